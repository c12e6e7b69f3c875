import { formatIsoDate } from '../shared/dates';

/**
 * The audit log read as Vietnamese sentences: "Bác sĩ Lan công bố kết quả khám số 12 (cán bộ HP-0042)". Each action
 * has a verb phrase; each entity a noun; known detail fields are put in words and the rest left out (the row itself
 * keeps everything for an investigation, and ids only: never health data).
 */
const auditActionLabels: Record<string, string> = {
  'api_token.create': 'tạo mã truy cập API',
  'api_token.revoke': 'thu hồi mã truy cập API',
  'audit.export': 'xuất nhật ký hoạt động',
  'booking.attendance': 'ghi nhận có mặt / vắng',
  'booking.by_staff': 'đặt lịch thay cán bộ',
  'booking.confirm': 'trả lời câu hỏi xác nhận lịch khám',
  'booking.checkIn': 'báo có mặt tại phòng khám',
  'booking.cancel': 'hủy lịch khám',
  'booking.create': 'đặt lịch khám',
  'booking.export': 'xuất danh sách khám trong ngày',
  'booking.move': 'đổi lịch khám',
  'booking.nudge': 'nhắc đặt lịch',
  'booking.reminder': 'nhắc lịch khám',
  'broadcast.cancel': 'hủy thông báo chung',
  'broadcast.create': 'tạo thông báo chung',
  'broadcast.export': 'xuất kết quả gửi thông báo',
  'broadcast.fanout': 'chia thông báo cho người nhận',
  'broadcast.opt_in': 'nhận lại thông báo chung',
  'broadcast.opt_out': 'từ chối nhận thông báo chung',
  'broadcast.pause': 'tạm dừng thông báo chung',
  'broadcast.resume': 'tiếp tục gửi thông báo chung',
  'broadcast.send': 'gửi thông báo chung',
  'cadre.erase': 'xóa dữ liệu cá nhân của cán bộ',
  'cadre.export': 'xuất dữ liệu cá nhân của cán bộ',
  'cadre.health_read': 'xem phân loại sức khỏe',
  'cadre.update': 'sửa hồ sơ cán bộ',
  'call.outcome': 'ghi kết quả gọi điện cho cán bộ',
  'campaign.changed': 'báo cán bộ về thay đổi của đợt khám',
  'campaign.create': 'tạo đợt khám',
  'campaign.invitation': 'mời đặt lịch khám',
  'campaign.nudge': 'nhắc đặt lịch trong đợt khám',
  'campaign.status': 'đổi trạng thái đợt khám',
  'campaign.update': 'sửa đợt khám',
  'conversation.read': 'xem cuộc trò chuyện',
  'day.close': 'đóng ngày khám',
  'failed_event.replay': 'chạy lại sự kiện lỗi',
  'canned_reply.create': 'thêm câu trả lời mẫu',
  'canned_reply.delete': 'xóa câu trả lời mẫu',
  'canned_reply.update': 'sửa câu trả lời mẫu',
  'faq.create': 'thêm câu hỏi thường gặp',
  'faq.delete': 'xóa câu hỏi thường gặp',
  'faq.update': 'sửa câu hỏi thường gặp',
  'followUp.cancelled': 'đóng việc theo dõi sau khám vì không cần',
  'followUp.done': 'hoàn thành việc theo dõi sau khám',
  'followUp.open': 'mở việc theo dõi sau khám',
  'followUp.overdue': 'báo việc theo dõi sau khám quá hạn',
  'handoff.assign': 'nhận xử lý cuộc trò chuyện',
  'handoff.close': 'kết thúc cuộc trò chuyện',
  'handoff.note': 'ghi chú nội bộ trong cuộc trò chuyện',
  'handoff.open': 'mở cuộc trò chuyện với nhân viên',
  'handoff.reply': 'trả lời trong cuộc trò chuyện',
  'handoff.timeout': 'cuộc trò chuyện tự kết thúc',
  'holiday.add': 'thêm ngày nghỉ',
  'holiday.remove': 'bỏ ngày nghỉ',
  'link.create': 'liên kết tài khoản Zalo',
  'link.hold': 'giữ yêu cầu chuyển liên kết',
  'link.move_approve': 'chấp thuận chuyển liên kết Zalo',
  'link.move_reject': 'từ chối chuyển liên kết Zalo',
  'link.move_requested': 'xin chuyển liên kết Zalo',
  'link.otp_sent': 'gửi mã xác thực',
  'link.remove': 'gỡ liên kết tài khoản Zalo',
  'link.verify_failed': 'nhập sai mã xác thực',
  'proxy.approve': 'duyệt người đại diện',
  'proxy.reject': 'từ chối người đại diện',
  'proxy.request': 'xin làm người đại diện',
  'proxy.revoke': 'thu hồi quyền đại diện',
  'proxy.told_cadre': 'báo cán bộ về người đại diện',
  'proxy.withdraw': 'rút yêu cầu làm người đại diện',
  'queue.call': 'gọi số thứ tự tại quầy',
  'rating.answer': 'chấm điểm mức hài lòng',
  'registry.export': 'xuất danh sách cán bộ',
  'registry.import': 'nhập danh sách cán bộ',
  'report.export': 'xuất báo cáo',
  'request.acknowledge': 'tiếp nhận yêu cầu',
  'request.answer': 'trả lời yêu cầu',
  'request.cancel': 'hủy yêu cầu',
  'request.create': 'gửi yêu cầu',
  'request.done': 'hoàn thành yêu cầu',
  'request.escalate': 'báo yêu cầu lên cấp trên',
  'request.note': 'ghi chú vào yêu cầu',
  'request.read': 'xem yêu cầu',
  'request.schedule': 'hẹn lịch cho yêu cầu',
  'request.update': 'cập nhật yêu cầu',
  'result.correct': 'đính chính kết quả khám',
  'result.create': 'nhập kết quả khám',
  'result.discard': 'xóa bản nháp kết quả khám',
  'result.import': 'nhập kết quả khám từ tệp',
  'result.list': 'xem danh sách kết quả khám',
  'result.read': 'xem kết quả khám',
  'result.release': 'công bố kết quả khám',
  'result.released': 'được báo có kết quả khám',
  'result.update': 'sửa bản nháp kết quả khám',
  'result.view': 'xem kết quả khám qua Zalo',
  'slot.capacity': 'đổi số chỗ của ca khám',
  'slots.create': 'tạo ca khám',
  'slots.delete': 'xóa ca khám trống',
  'staff.create': 'tạo tài khoản nhân viên',
  'staff.login': 'đăng nhập',
  'staff.login_failed': 'đăng nhập không thành công',
  'staff.logout': 'đăng xuất',
  'staff.password_changed': 'đổi mật khẩu',
  'staff.password_reset': 'đặt lại mật khẩu',
  'staff.update': 'sửa tài khoản nhân viên',
  'waitlist.decline': 'ghi nhận không nhận chỗ trống được mời',
  'waitlist.expire': 'đóng lời mời nhận chỗ trống đã hết hạn',
  'waitlist.join': 'vào danh sách chờ',
  'waitlist.leave': 'rút khỏi danh sách chờ',
  'waitlist.offer': 'mời nhận chỗ trống',
  'zalo.connect': 'kết nối Zalo OA',
  'zalo.connect_start': 'bắt đầu kết nối Zalo OA',
  'zalo.message': 'nhắn tin qua Zalo',
  'zalo.profile': 'cập nhật hồ sơ Zalo',
  'zalo.token_alert': 'báo lỗi mã truy cập Zalo',
};

/** The audit actions of linking, whoever links (chat, staff by hand, staff approving a move). */
export const LINK_AUDIT = { create: 'link.create', remove: 'link.remove' } as const;

/**
 * Action names of rows written before linking had one home, read as today's names: old rows keep their
 * sentence and are found by today's filter, with no migration of the log.
 */
export const legacyAuditActions: Record<string, string> = { 'cadre.link': LINK_AUDIT.create, 'cadre.unlink': LINK_AUDIT.remove };

/** Today's name of an action (old names of the same action mapped). */
export const currentAuditAction = (action: string) => legacyAuditActions[action] ?? action;

const auditEntityLabels: Record<string, string> = {
  api_token: 'mã truy cập API',
  audit_log: 'nhật ký',
  booking: 'lịch khám',
  broadcast: 'thông báo',
  cadre: 'cán bộ',
  campaign: 'đợt khám',
  care_request: 'yêu cầu',
  clinic: 'phòng khám',
  conversation: 'cuộc trò chuyện',
  exam_result: 'kết quả khám',
  exam_slot: 'ca khám',
  failed_event: 'sự kiện lỗi',
  follow_up: 'việc theo dõi sau khám',
  faq: 'câu hỏi thường gặp',
  canned_reply: 'câu trả lời mẫu',
  faq_entry: 'câu hỏi thường gặp',
  handoff: 'cuộc trò chuyện',
  holiday: 'ngày nghỉ',
  link_request: 'yêu cầu chuyển liên kết',
  proxy: 'người đại diện',
  rating: 'lượt đánh giá',
  registry: 'danh sách cán bộ',
  report: 'báo cáo',
  request: 'yêu cầu',
  slot: 'ca khám',
  staff_user: 'tài khoản',
  waitlist_entry: 'lượt chờ',
  waitlist_offer: 'lời mời nhận chỗ trống',
  zalo_user: 'người dùng Zalo',
};

/** The verb phrase of an action; an action not in the table is shown by its code, so nothing is hidden. */
export const auditActionLabel = (action: string) => auditActionLabels[currentAuditAction(action)] ?? action;
export const auditEntityLabel = (entity: string) => auditEntityLabels[entity] ?? entity;

const changeText = (c: unknown) => {
  if (!c || typeof c !== 'object') return null;
  const { label, field, from, to } = c as Record<string, unknown>;
  const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '(trống)' : String(v));
  return `${String(label ?? field ?? '')}: ${shown(from)} → ${shown(to)}`;
};

const detailWords: Record<string, (v: unknown) => string | null> = {
  code: (v) => (typeof v === 'string' && v ? `mã ${v}` : null),
  changes: (v) => (Array.isArray(v) && v.length ? v.map(changeText).filter(Boolean).join('; ') : null),
  cancelledBookings: (v) => (typeof v === 'number' && v ? `hủy ${v} lịch khám` : null),
  rows: (v) => (typeof v === 'number' ? `${v} dòng` : null),
  count: (v) => (typeof v === 'number' ? `${v} mục` : null),
  created: (v) => (typeof v === 'number' ? `thêm ${v}` : null),
  updated: (v) => (typeof v === 'number' ? `cập nhật ${v}` : null),
  rejectedRows: (v) => (typeof v === 'number' && v ? `${v} dòng lỗi chưa nhập` : null),
  format: (v) => (typeof v === 'string' ? `tệp ${v.toUpperCase()}` : null),
  fileName: (v) => (typeof v === 'string' ? `tệp “${v}”` : null),
  reason: (v) => (typeof v === 'string' && v ? `lý do: ${v}` : null),
  status: (v) => (typeof v === 'string' ? `trạng thái: ${v}` : null),
  date: (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `ngày ${formatIsoDate(v)}` : null),
  name: (v) => (typeof v === 'string' && v ? `“${v}”` : null),
  where: (v) => (typeof v === 'string' ? (v.startsWith('api') ? 'qua API' : 'trên trang quản lý') : null),
  version: (v) => (typeof v === 'number' && v > 1 ? `bản đính chính lần ${v - 1}` : null),
  cadreId: (v) => (typeof v === 'number' ? `cán bộ số ${v}` : null),
  by: (v) => (v === 'staff' ? 'do nhân viên' : v === 'user' ? 'do cán bộ' : v === 'timeout' ? 'do quá thời gian chờ' : null),
};

/** Known detail fields in words, in a fixed order; unknown ones are left to the export. */
function auditDetailText(detail: unknown): string {
  if (!detail || typeof detail !== 'object') return '';
  const d = detail as Record<string, unknown>;
  return Object.keys(detailWords)
    .map((k) => (k in d ? detailWords[k]!(d[k]) : null))
    .filter((x): x is string => !!x)
    .join(', ');
}

export interface AuditSentenceInput {
  actorType: 'staff' | 'zalo' | 'system';
  actorId: string;
  /** The staff member's full name, when the actor is staff and known. */
  actorName?: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  onBehalfOfCadreId?: number | null;
  detail?: unknown;
}

/** Who did it, in words: a staff member by name, a Zalo user, or the system. */
export function auditActorText(e: Pick<AuditSentenceInput, 'actorType' | 'actorId' | 'actorName'>): string {
  if (e.actorType === 'staff') return e.actorName ? `Nhân viên ${e.actorName}` : `Nhân viên số ${e.actorId}`;
  if (e.actorType === 'zalo') return 'Người dùng Zalo';
  return 'Hệ thống';
}

/** One entry as a sentence: "Nhân viên Lê Lan công bố kết quả khám số 12 (cán bộ số 7)." */
export function auditSentence(e: AuditSentenceInput): string {
  const object = e.entityId ? ` (${auditEntityLabel(e.entity)} số ${e.entityId})` : '';
  const behalf = e.onBehalfOfCadreId ? `, thay mặt cán bộ số ${e.onBehalfOfCadreId}` : '';
  const details = auditDetailText(e.detail);
  return `${auditActorText(e)} ${auditActionLabel(e.action)}${object}${behalf}${details ? `: ${details}` : ''}.`;
}
