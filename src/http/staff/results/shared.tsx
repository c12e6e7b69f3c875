import { z } from 'zod';
import { healthClassLabel } from '../../../domain/results/classification';
import type { ClassKey } from '../../../domain/results/classificationMix';
import type { ExamResult } from '../../../store/schema';
import { okNotices, type StaffContext } from '../ui';

export const Msg = z.object({ msg: z.string().max(20).optional() });

export const statusLabels: Record<ExamResult['status'], string> = { draft: 'Chờ công bố', released: 'Đã công bố', superseded: 'Đã được đính chính' };
export const statusBadge: Record<ExamResult['status'], string> = { draft: 'warn', released: 'ok', superseded: '' };
export const classLabel = (k: ClassKey) => (k === 'none' ? 'Chưa phân loại' : healthClassLabel(k));

export const noticeOf = okNotices({
  created: 'Đã lưu bản nháp. Bác sĩ hoặc quản trị cần công bố thì cán bộ mới xem được.',
  saved: 'Đã lưu thay đổi của bản nháp.',
  released: 'Đã công bố. Cán bộ (hoặc người đại diện) sẽ nhận tin báo qua Zalo, hoặc email khi ngoài hạn nhắn Zalo.',
  correcting: 'Đã tạo bản đính chính (bản nháp). Sửa rồi công bố; cán bộ vẫn xem bản cũ cho đến khi bản mới được công bố.',
  discarded: 'Đã xóa bản nháp.',
  erased: 'Đã xóa dữ liệu cá nhân của cán bộ theo yêu cầu. Nhật ký đã ghi lại việc xóa.',
});

/** Back to a page after a change, naming the change so the page can say it was done. */
export const back = (c: StaffContext, path: string, msg: string) => c.redirect(`${path}${path.includes('?') ? '&' : '?'}msg=${msg}`, 303);
