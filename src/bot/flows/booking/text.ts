import { type BookingInfo } from '../../../domain/booking/lookups';
import { formatVietnamDay, formatVietnamTime } from '../../../domain/shared/dates';
import { containsPhrase, foldVietnamese } from '../../text';

export const bookingText = {
  noCampaign: (hotline: string) =>
    `Hiện chưa có đợt khám định kỳ nào đang nhận đăng ký cho Ông/Bà.\nXin gọi ${hotline} (giờ hành chính) nếu cần hỏi thêm.`,
  chooseCampaign: 'Xin chọn đợt khám (gõ số):',
  chooseClinic: 'Xin chọn nơi khám (gõ số):',
  registeredClinic: 'nơi đăng ký',
  chooseDay: (clinic: string, example: string) => `Các ngày còn chỗ tại ${clinic} (gõ số, hoặc gõ ngày như ${example}, "mai", "thứ 5"):`,
  chooseDayMore: (clinic: string, example: string) => `Các ngày tiếp theo còn chỗ tại ${clinic} (gõ số, hoặc gõ ngày như ${example}):`,
  moreDays: 'Xem thêm ngày',
  firstDays: 'Về các ngày đầu',
  noMoreDays: 'Đó là tất cả các ngày còn chỗ. Đây là các ngày đầu:',
  chooseWeekDays: (from: string, to: string, clinic: string) => `Các ngày còn chỗ từ ${from} đến ${to} tại ${clinic} (gõ số):`,
  weekNoPlace: (from: string, to: string) => `Từ ${from} đến ${to} không còn ngày nào có chỗ.`,
  chooseTime: (day: string, example: string) => `Các giờ còn chỗ ${day} (gõ số, hoặc gõ giờ như ${example}):`,
  dayNotInCampaign: (day: string, from: string, to: string) => `${day} không có lịch khám của đợt này (đợt khám từ ${from} đến ${to}).`,
  dayPast: (day: string) => `${day} đã qua.`,
  dayNoPlace: (day: string) => `${day} không còn chỗ.`,
  timeNotFree: (time: string, day: string) => `${day} không còn chỗ lúc ${time}.`,
  pickDay: (example: string) => `Xin gõ một số trong danh sách, hoặc gõ ngày (ví dụ ${example}, "mai", "thứ 5"). Gõ 0 để về menu.`,
  pickTime: (example: string) => `Xin gõ một số trong danh sách, hoặc gõ giờ (ví dụ ${example}, "2 giờ chiều"). Gõ 0 để về menu.`,
  placesLeft: (n: number) => `còn ${n} chỗ`,
  noFreeDays: 'Nơi khám này đã hết chỗ trong đợt khám.',
  allFull: (hotline: string) => `Đợt khám hiện đã hết chỗ. Xin gọi ${hotline} để được xếp lịch.`,
  dayFull: 'Ngày này vừa hết chỗ. Xin chọn ngày khác.',
  confirm: (title: string, name: string) => `Xin xác nhận lịch khám của ${title} ${name}:`,
  confirmMove: (title: string, name: string) => `Xin xác nhận đổi lịch khám của ${title} ${name} sang:`,
  confirmYes: 'Xác nhận',
  confirmOther: 'Chọn giờ khác',
  slotTaken: 'Rất tiếc, giờ này vừa hết chỗ. Các giờ gần nhất còn chỗ (gõ số):',
  booked: (title: string, name: string) => `Đã đặt lịch khám cho ${title} ${name}.`,
  moved: (title: string, name: string) => `Đã đổi lịch khám cho ${title} ${name}.`,
  remindersNote: 'Chúng tôi sẽ nhắc trước 3 ngày, 1 ngày và sáng ngày khám.',
  changeHint: 'Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.',
  alreadyBooked: 'Ông/Bà đã có lịch trong đợt khám này.',
  hasBooking: (title: string, name: string) => `${title} ${name} đã có lịch khám:`,
  bookingLine: (b: BookingInfo) => `${formatVietnamDay(b.slot.localDate)}, lúc ${formatVietnamTime(b.slot.startsAt)} tại ${b.clinic.name}`,
  manage: 'Ông/Bà muốn (gõ số):',
  optShow: 'Xem lịch của tôi',
  optMove: 'Đổi lịch',
  optCancel: 'Hủy lịch',
  optOther: 'Đặt lịch đợt khác',
  pickBooking: 'Ông/Bà muốn thay đổi lịch nào? (gõ số)',
  noBooking: (title: string, name: string) => `${title} ${name} chưa có lịch khám nào.`,
  visitsTitle: 'Lịch hẹn tại nhà:',
  requestsTitle: 'Yêu cầu đang xử lý:',
  cancelAsk: 'Xin cho biết lý do hủy lịch (gõ số, hoặc gõ lý do):',
  cancelKeep: '0. Giữ lịch, về menu',
  cancelReasons: ['Bận việc', 'Đang ốm, nằm viện', 'Đã khám ở nơi khác'],
  cancelConfirm: (title: string, name: string, line: string, reason: string) =>
    `Xin xác nhận hủy lịch khám của ${title} ${name}:\n${line}\nLý do: ${reason}`,
  cancelYes: 'Đồng ý hủy lịch',
  cancelNo: 'Giữ lịch khám',
  kept: 'Dạ, lịch khám vẫn giữ nguyên.',
  cancelled: (title: string, name: string, line: string) => `Đã hủy lịch khám của ${title} ${name} (${line}).\nGõ "đặt lịch" khi muốn đặt lại.`,
  frailOffer: (title: string, name: string) =>
    `${title} ${name} có thể đề nghị bác sĩ đến khám tại nhà thay vì đến phòng khám.\nXin chọn (gõ số):`,
  frailHome: 'Yêu cầu khám tại nhà',
  frailClinic: 'Vẫn đến phòng khám',
  pickNumber: 'Xin gõ một số trong danh sách, hoặc gõ 0 để về menu.',
  noLongerAllowed: 'Tài khoản Zalo này không còn được làm việc cho hồ sơ đó. Gõ "menu" để bắt đầu lại.',
  bookingGone: 'Lịch khám này không còn hiệu lực.',
  unchanged: 'Đây vẫn là giờ khám cũ, lịch khám giữ nguyên.',
  backHint: 'Gõ 0 để về menu.',
  declineAsk: (title: string) => `Xin cho biết vì sao ${title} không đến được (gõ số, hoặc gõ lý do):`,
  declineConfirm: (title: string, name: string, line: string, reason: string) =>
    `Xin xác nhận ${title} ${name} không đến khám:\n${line}\nLý do: ${reason}\nChỗ khám sẽ được nhường cho người khác.`,
  declineYes: 'Đồng ý, nhường chỗ',
  declined: (title: string, name: string, line: string) =>
    `Đã ghi nhận ${title} ${name} không đến khám (${line}); chỗ đã được nhường cho người khác.\nGõ "đặt lịch" khi muốn đặt lại.`,
  waitlistAsk: (clinic: string, ahead: number) =>
    `${clinic} đã hết chỗ trong đợt khám này. Ông/Bà có muốn ghi tên vào danh sách chờ không? Khi có người hủy lịch, chúng tôi sẽ nhắn Zalo mời Ông/Bà nhận chỗ.${ahead ? ` Hiện có ${ahead} người đang chờ.` : ''}`,
  waitlistYes: 'Ghi tên chờ',
  waitlistNo: 'Không, cảm ơn',
  waitlistJoined: (title: string, name: string, clinic: string, ahead: number) =>
    `Đã ghi tên ${title} ${name} vào danh sách chờ tại ${clinic}${ahead ? ` (có ${ahead} người chờ trước)` : ''}. Khi có chỗ trống, chúng tôi sẽ nhắn Zalo; ${title} trả lời "1" để nhận chỗ.`,
  waitlistAlready: (title: string, name: string, clinic: string, ahead: number) =>
    `${title} ${name} đã có tên trong danh sách chờ tại ${clinic}${ahead ? ` (có ${ahead} người chờ trước)` : ''}. Khi có chỗ trống, chúng tôi sẽ nhắn Zalo ngay.`,
} as const;

export type Command = 'book' | 'move' | 'cancel' | 'show';

/** Typed phrases that work anywhere in the booking flow (and from the main menu's "Đặt lịch khám"). */
export function bookingCommand(input: string): Command | null {
  const f = foldVietnamese(input);
  const has = (...phrases: string[]) => phrases.some((p) => containsPhrase(f, p));
  if (has('doi lich', 'doi ngay', 'doi gio', 'chuyen lich', 'dời lịch')) return 'move';
  if (has('huy lich', 'huy hen', 'huy dat lich', 'huy lich kham')) return 'cancel';
  if (has('lich cua toi', 'xem lich', 'lich hen cua toi', 'lich da dat')) return 'show';
  if (has('dat lich', 'dat lich kham', 'dang ky kham', 'dang ki kham', 'hen kham')) return 'book';
  return null;
}
