import type { z } from 'zod';

/**
 * Validation problems in Vietnamese, written once: every form and API field by its label, every zod issue
 * as a short sentence. A schema's own message (already Vietnamese) wins over these defaults.
 */
const fieldLabels: Record<string, string> = {
  action: 'Thao tác',
  active: 'Tình trạng',
  actor: 'Người thực hiện',
  address: 'Địa chỉ',
  advice: 'Lời khuyên',
  answer: 'Câu trả lời',
  buttons: 'Nút bấm',
  cadreCode: 'Mã cán bộ',
  cadreId: 'Cán bộ',
  campaign: 'Đợt khám',
  campaignId: 'Đợt khám',
  capacity: 'Số chỗ',
  categories: 'Đối tượng',
  category: 'Đối tượng',
  clinic: 'Phòng khám',
  clinicId: 'Phòng khám',
  clinicIds: 'Phòng khám',
  code: 'Mã',
  conclusions: 'Kết luận',
  confirmCode: 'Mã xác nhận',
  confirmPassword: 'Nhập lại mật khẩu',
  currentPassword: 'Mật khẩu hiện tại',
  date: 'Ngày',
  details: 'Nội dung',
  diagnoses: 'Chẩn đoán',
  dir: 'Chiều sắp xếp',
  displayName: 'Tên hiển thị',
  eligibleCategories: 'Đối tượng được khám',
  email: 'Email',
  endDate: 'Ngày kết thúc',
  endTime: 'Giờ kết thúc',
  entity: 'Đối tượng ghi nhật ký',
  entityId: 'Mã đối tượng',
  examDate: 'Ngày khám',
  file: 'Tệp',
  followUp: 'Khám lại',
  followUpWhere: 'Nơi khám lại',
  from: 'Từ ngày',
  fromDate: 'Từ ngày',
  fullName: 'Họ và tên',
  health: 'Phân loại sức khỏe',
  healthClass: 'Phân loại sức khỏe',
  healthClasses: 'Phân loại sức khỏe',
  id: 'Mã số',
  ids: 'Các mục đã chọn',
  instructions: 'Hướng dẫn',
  linked: 'Zalo',
  mode: 'Cách nhập',
  name: 'Tên',
  newPassword: 'Mật khẩu mới',
  note: 'Ghi chú',
  nudgeAfterDays: 'Nhắc lại sau (ngày)',
  page: 'Trang',
  password: 'Mật khẩu',
  phone: 'Số điện thoại',
  phrasings: 'Cách hỏi khác',
  q: 'Ô tìm kiếm',
  question: 'Câu hỏi',
  reason: 'Lý do',
  role: 'Vai trò',
  round: 'Đợt',
  signedBy: 'Bác sĩ ký',
  slotMinutes: 'Thời lượng mỗi lượt (phút)',
  sort: 'Cột sắp xếp',
  sortOrder: 'Thứ tự',
  startDate: 'Ngày bắt đầu',
  startTime: 'Giờ bắt đầu',
  status: 'Trạng thái',
  templateName: 'Mẫu tin',
  text: 'Nội dung',
  time: 'Giờ',
  title: 'Tiêu đề',
  to: 'Đến ngày',
  toDate: 'Đến ngày',
  type: 'Loại',
  unit: 'Đơn vị',
  units: 'Đơn vị',
  uploadId: 'Tệp đã kiểm tra',
  username: 'Tên đăng nhập',
  weekdays: 'Các ngày trong tuần',
  when: 'Thời điểm',
  year: 'Năm',
  zaloUserId: 'Mã người dùng Zalo',
};

/** The label of a field path ("endDate", "items.2.title"): the last named part that has a label. */
function fieldLabel(path: readonly PropertyKey[]): string | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key === 'string' && fieldLabels[key]) return fieldLabels[key]!;
  }
  return null;
}

type Issue = z.core.$ZodRawIssue;

const sized = (origin: string | undefined) => (origin === 'string' ? 'ký tự' : origin === 'array' || origin === 'set' ? 'mục' : origin === 'file' ? 'byte' : null);

/** A zod issue as a short Vietnamese phrase, for schemas that give no message of their own. */
export function vietnameseIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null || issue.input === '' ? 'chưa điền' : 'không đúng dạng';
    case 'too_small': {
      const min = Number(issue.minimum);
      const unit = sized(issue.origin);
      if (issue.origin === 'string' && min <= 1) return 'chưa điền';
      if (unit) return `cần ít nhất ${min} ${unit}`;
      return `không được nhỏ hơn ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'file') return 'tệp quá lớn';
      const unit = sized(issue.origin);
      if (unit) return `dài quá ${max} ${unit}`;
      return `không được lớn hơn ${max}`;
    }
    case 'invalid_format':
      return issue.format === 'email' ? 'địa chỉ email chưa đúng' : 'không đúng dạng';
    case 'invalid_value':
      return 'không nằm trong các lựa chọn cho phép';
    case 'unrecognized_keys':
      return `có trường không dùng đến: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return 'không đúng bước cho phép';
    default:
      return 'không hợp lệ';
  }
}

export interface FieldProblem {
  /** The field's key as sent, for programs. */
  path: string;
  /** The field's Vietnamese label, for people; null when the field has none. */
  field: string | null;
  message: string;
}

/** zod issues as problems staff can read: "Ngày kết thúc: chưa điền". */
export function fieldProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.map((i) => fieldProblem(i.path, i.message));
}

/** A problem with one field found by hand (not by zod), in the same shape: `fieldProblem('examDate', 'ghi ngày/tháng/năm')`. */
export function fieldProblem(path: string | readonly PropertyKey[], message: string): FieldProblem {
  const parts = typeof path === 'string' ? path.split('.') : path;
  return { path: parts.map(String).join('.'), field: fieldLabel(parts), message };
}

/** The field problems an error carries in its details (a validation error's), else none. */
export function fieldProblemsIn(details: unknown): FieldProblem[] {
  if (!Array.isArray(details)) return [];
  return details.filter((d): d is FieldProblem => typeof d === 'object' && d !== null && typeof (d as FieldProblem).message === 'string' && (d as FieldProblem).message !== '');
}

/** One problem as a line: the label and the message, never a raw key. */
export const problemText = (p: { field?: string | null; message?: string }) => [p.field, p.message].filter(Boolean).join(': ');
