CREATE TABLE `faq_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`question` text NOT NULL,
	`phrasings` text DEFAULT '' NOT NULL,
	`answer` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`updated_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `faq_entries_active` ON `faq_entries` (`active`);
--> statement-breakpoint
INSERT INTO `faq_entries` (`question`, `phrasings`, `answer`, `active`, `sort_order`, `created_at`, `updated_at`) VALUES ('Phòng khám ở đâu?', 'phòng khám ở đâu
địa chỉ phòng khám
địa chỉ nơi khám
khám ở đâu
đi khám ở đâu
đường đến phòng khám
bản đồ phòng khám
bệnh viện ở đâu', 'Địa chỉ nơi khám:
{dia_chi}', 1, 10, 0, 0);
--> statement-breakpoint
INSERT INTO `faq_entries` (`question`, `phrasings`, `answer`, `active`, `sort_order`, `created_at`, `updated_at`) VALUES ('Số điện thoại phòng khám', 'số điện thoại phòng khám
sđt phòng khám
điện thoại phòng khám
số điện thoại của Ban
đường dây nóng
hotline
gọi điện cho ai
số liên hệ', 'Điện thoại nơi khám:
{dien_thoai}
Đường dây của Ban: {hotline} (giờ hành chính).
Nếu nguy cấp, xin gọi ngay 115.', 1, 20, 0, 0);
--> statement-breakpoint
INSERT INTO `faq_entries` (`question`, `phrasings`, `answer`, `active`, `sort_order`, `created_at`, `updated_at`) VALUES ('Giờ làm việc', 'giờ làm việc
giờ mở cửa
mấy giờ mở cửa
mấy giờ làm việc
làm việc lúc nào
thứ bảy có làm việc không
chủ nhật có làm việc không
giờ khám bệnh', 'Giờ làm việc:
{gio_lam_viec}', 1, 30, 0, 0);
--> statement-breakpoint
INSERT INTO `faq_entries` (`question`, `phrasings`, `answer`, `active`, `sort_order`, `created_at`, `updated_at`) VALUES ('Đi khám cần mang theo gì?', 'mang theo gì
cần mang gì
mang những gì
giấy tờ cần mang
có cần mang sổ y bạ không
mang thẻ bảo hiểm', 'Khi đi khám, xin mang theo: sổ y bạ (hoặc thẻ khám sức khỏe), thẻ bảo hiểm y tế, căn cước công dân, đơn thuốc đang dùng và kết quả khám gần nhất (nếu có).', 1, 40, 0, 0);
--> statement-breakpoint
INSERT INTO `faq_entries` (`question`, `phrasings`, `answer`, `active`, `sort_order`, `created_at`, `updated_at`) VALUES ('Có phải nhịn ăn trước khi khám không?', 'nhịn ăn
có phải nhịn ăn không
nhịn đói
có được ăn sáng không
uống nước được không
uống thuốc trước khi khám', 'Khám buổi sáng: nhịn ăn sáng để xét nghiệm máu (được uống nước lọc).
Khám buổi chiều: có thể ăn sáng nhẹ trước 7 giờ, sau đó nhịn ăn đến giờ khám.
Thuốc huyết áp, tim mạch vẫn uống như thường ngày; với thuốc tiểu đường, xin hỏi bác sĩ.', 1, 50, 0, 0);
--> statement-breakpoint
INSERT INTO `faq_entries` (`question`, `phrasings`, `answer`, `active`, `sort_order`, `created_at`, `updated_at`) VALUES ('Liên kết tài khoản Zalo thế nào?', 'liên kết tài khoản thế nào
xác minh tài khoản thế nào
làm sao để xem kết quả
tại sao phải xác minh
liên kết như thế nào
cách liên kết', 'Để xem kết quả và đặt lịch qua Zalo, Ông/Bà xác minh tài khoản một lần:
• chia sẻ số điện thoại Zalo (nếu số có trong hồ sơ của Ban), hoặc
• gõ mã cán bộ (in trên sổ y bạ) và ngày sinh, rồi gõ mã 6 chữ số gửi tới email trong hồ sơ.
Người nhà, thư ký có thể xin làm người đại diện. Gõ "liên kết" để bắt đầu.', 1, 60, 0, 0);
