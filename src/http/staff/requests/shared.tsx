import { z } from 'zod';
import { durationVi, type SlaClock } from '../../../domain/requests/requestInbox';
import type { CareRequestState, ChatAttachment } from '../../../store/schema';
import { okNotices } from '../ui';

export const Msg = z.object({ msg: z.string().max(20).optional() });
/** A page with a reply box: `canned` prefills the box with that canned reply (the picker without script). */
export const MsgCanned = Msg.extend({ canned: z.coerce.number().int().positive().optional() });

export const noticeOf = okNotices({
  acknowledged: 'Đã tiếp nhận. Việc nhắc tiếp đã dừng; cán bộ được báo tên người phụ trách.',
  scheduled: 'Đã hẹn lịch; cán bộ được báo ngày hẹn.',
  done: 'Đã đánh dấu hoàn thành.',
  cancelled: 'Đã hủy yêu cầu; cán bộ được báo.',
  replied: 'Đã gửi trả lời qua Zalo.',
  answered: 'Đã gửi cho cán bộ (Zalo, hoặc mẫu tin / email khi quá 7 ngày chưa tương tác).',
  noted: 'Đã lưu ghi chú nội bộ (cán bộ không thấy).',
  closed: 'Đã kết thúc cuộc trò chuyện; trợ lý tự động tiếp tục với người dùng.',
  assigned: 'Bạn đã nhận xử lý cuộc trò chuyện này.',
});

export const stateBadge: Record<CareRequestState, string> = { new: 'warn', acknowledged: '', scheduled: 'ok', done: 'ok', cancelled: '' };

export function Clock(props: { clock: SlaClock }) {
  const c = props.clock;
  if (c.kind === 'left') return <span class={`badge ${c.ms < 15 * 60_000 ? 'warn' : ''}`}>Còn {durationVi(c.ms)}</span>;
  if (c.kind === 'overdue') return <span class="badge bad">Quá hạn {durationVi(c.ms)}</span>;
  if (c.kind === 'none') return <span class="badge">Không tính hạn</span>;
  return <span class={`badge ${c.kind === 'met' ? 'ok' : 'bad'}`}>{c.kind === 'met' ? 'Đúng hạn' : 'Trễ hạn'}</span>;
}

/** A photo the user sent, shown inline (Zalo keeps it; https only); any other file or voice note as a link. */
export function AttachmentView(props: { attachment: ChatAttachment }) {
  const a = props.attachment;
  if (!a.url) return null;
  if (a.kind === 'image' || a.kind === 'gif') {
    return (
      <a href={a.url} target="_blank" rel="noopener noreferrer" style="display:block;margin-top:.3rem">
        <img src={a.thumbnail ?? a.url} alt="Ảnh người dùng gửi" loading="lazy" style="max-width:min(260px,100%);max-height:260px;border-radius:8px" />
      </a>
    );
  }
  return (
    <div style="margin-top:.3rem">
      <a href={a.url} target="_blank" rel="noopener noreferrer">
        {a.kind === 'audio' ? 'Nghe tin nhắn thoại' : a.kind === 'video' ? 'Xem video' : `Mở tệp${a.name ? `: ${a.name}` : ''}`}
      </a>
    </div>
  );
}
