import type { CannedReply } from '../../../store/schema';
import type { RequestNoteView } from '../../../domain/requests/requestNotes';
import { CannedReplyPicker } from '../cannedReplies';
import { CsrfField } from '../layout';
import { fmtDateTime } from '../ui';

/**
 * Answers and notes on a request: what was sent to the cadre and what stayed internal, and a box to write
 * more. A question opens with "send to the cadre" ticked: answering is what the cadre asked for.
 */
export function RequestNotesCard(props: { notes: RequestNoteView[]; canWrite: boolean; question: boolean; action: string; token: string; canned: CannedReply[]; pageUrl: string; prefill: string }) {
  return (
    <div class="card" id="notes">
      <h2 style="margin-top:0">{props.question ? 'Trả lời cán bộ' : 'Trao đổi và ghi chú'}</h2>
      {props.notes.length ? (
        <ul class="notes" style="list-style:none;padding:0;margin:0 0 1rem">
          {props.notes.map((n) => (
            <li style="border-left:3px solid var(--line);padding:.3rem .7rem;margin-bottom:.5rem">
              <span class={`badge ${n.toCadre ? 'ok' : ''}`}>{n.toCadre ? 'Đã gửi cho cán bộ' : 'Ghi chú nội bộ'}</span>{' '}
              <span class="small muted">
                {n.staffName}, {fmtDateTime(n.at)}
              </span>
              <div style="white-space:pre-wrap">{n.text}</div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Chưa có trả lời hay ghi chú.</p>
      )}
      {props.canWrite ? <CannedReplyPicker replies={props.canned} target="note-text" action={props.pageUrl} /> : null}
      {props.canWrite ? (
        <form method="post" action={props.action}>
          <CsrfField token={props.token} />
          <label for="note-text">{props.question ? 'Câu trả lời' : 'Nội dung'}</label>
          <textarea id="note-text" name="text" rows={4} required maxlength={1500}>
            {props.prefill}
          </textarea>
          <label>
            <input type="checkbox" name="toCadre" checked={props.question} /> Gửi cho cán bộ qua Zalo (bỏ chọn để chỉ lưu ghi chú nội bộ)
          </label>
          <div class="actions">
            <button class="btn" type="submit">
              Lưu và gửi
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
