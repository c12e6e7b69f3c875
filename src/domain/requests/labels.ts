import type { CareRequestState, CareRequestType, CareRequestUrgency, TimeOfDay } from '../../store/schema';

export const requestTypeLabels: Record<CareRequestType, string> = {
  home_visit: 'Khám tại nhà',
  medicine: 'Nhận thuốc tại nhà',
  record_book: 'Đổi sổ y bạ',
  question: 'Hỏi nhân viên y tế',
  emergency: 'Báo khẩn cấp',
  follow_up: 'Theo dõi sau khám',
  feedback: 'Đánh giá thấp sau dịch vụ',
};

export const requestStateLabels: Record<CareRequestState, string> = {
  new: 'Mới, chờ tiếp nhận',
  acknowledged: 'Đã tiếp nhận',
  scheduled: 'Đã hẹn lịch',
  done: 'Đã hoàn thành',
  cancelled: 'Đã hủy',
};

export const timeOfDayLabels: Record<TimeOfDay, string> = {
  morning: 'buổi sáng',
  afternoon: 'buổi chiều',
  any: 'giờ nào cũng được',
};

export const urgencyLabels: Record<CareRequestUrgency, string> = { urgent: 'Gấp', normal: 'Bình thường' };

export const openStates: CareRequestState[] = ['new', 'acknowledged', 'scheduled'];

/** YC-000123 */
export const ticketOf = (id: number) => `YC-${String(id).padStart(6, '0')}`;

