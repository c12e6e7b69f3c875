import { CANNED_TEXT_MAX, CannedReplyInput, deleteCannedReply, getCannedReply, listCannedReplies, saveCannedReply } from '../../domain/conversations/cannedReplies';
import type { CannedReply } from '../../store/schema';
import { requirePermission } from '../auth/session';
import type { StaffDeps } from '../deps';
import { crudPages } from './crudPages';

/**
 * A select of canned replies beside a reply box. With the page script, choosing one fills the box at once;
 * without it, the "Chèn" button reloads the page with `?canned=<id>` and the box comes prefilled.
 */
export function CannedReplyPicker(props: { replies: CannedReply[]; target: string; action: string }) {
  if (!props.replies.length) return null;
  return (
    <form method="get" action={props.action} class="inline canned-picker" style="margin:.3rem 0">
      <label for={`canned-${props.target}`} class="small">
        Câu trả lời mẫu{' '}
      </label>
      <select id={`canned-${props.target}`} name="canned" data-canned-for={props.target}>
        <option value="">— Chọn —</option>
        {props.replies.map((r) => (
          <option value={String(r.id)} data-text={r.text}>
            {r.code}: {r.text.length > 60 ? `${r.text.slice(0, 60)}…` : r.text}
          </option>
        ))}
      </select>{' '}
      <button class="btn secondary small" type="submit">
        Chèn
      </button>
    </form>
  );
}

/** /staff/canned-replies: the ready-made replies offered in conversations and request answers. */
export function cannedReplyPages(deps: StaffDeps) {
  return crudPages(deps, {
    base: '/staff/canned-replies',
    guard: requirePermission('cannedReplies', 'manage'),
    titles: { list: 'Câu trả lời mẫu', add: 'Thêm câu trả lời mẫu', edit: 'Sửa câu trả lời mẫu', addButton: 'Thêm câu trả lời mẫu' },
    intro: 'Nhân viên chọn các câu dưới đây trong ô trả lời của cuộc trò chuyện và của yêu cầu, sửa nếu cần rồi mới gửi.',
    notices: {
      saved: { kind: 'ok', text: 'Đã lưu câu trả lời mẫu.' },
      deleted: { kind: 'ok', text: 'Đã xóa câu trả lời mẫu.' },
    },
    columns: ['Mã', 'Nội dung'],
    empty: 'Chưa có câu trả lời mẫu nào.',
    rowAttributes: (r) => ({ 'data-canned-id': String(r.id) }),
    cells: (r) => (
      <>
        <td data-label="Mã">
          <a href={`/staff/canned-replies/${r.id}`}>{r.code}</a>
        </td>
        <td data-label="Nội dung" class="small" style="white-space:pre-line">
          {r.text}
        </td>
      </>
    ),
    fields: (entry) => (
      <>
        <label for="code">Mã ngắn (ví dụ /diachi)</label>
        <input type="text" id="code" name="code" required maxlength={31} value={entry.code ?? ''} style="max-width:14rem" />
        <label for="text" style="margin-top:.6rem">
          Nội dung (tối đa {CANNED_TEXT_MAX} ký tự)
        </label>
        <textarea id="text" name="text" rows={5} required maxlength={CANNED_TEXT_MAX}>
          {entry.text ?? ''}
        </textarea>
      </>
    ),
    list: () => listCannedReplies(deps.db),
    get: (id) => getCannedReply(deps.db, id),
    schema: CannedReplyInput,
    // A refused form keeps what was typed.
    shownOnError: (body, id): Partial<CannedReply> => ({ ...(id ? getCannedReply(deps.db, id) : {}), code: String(body.code ?? ''), text: String(body.text ?? '') }),
    save: (actor, id, input, now) => saveCannedReply(deps.db, actor, id, input, now),
    conflictOnForm: true,
    remove: (actor, id, now) => deleteCannedReply(deps.db, actor, id, now),
    deleteQuestion: (entry) => ({
      title: 'Xóa câu trả lời mẫu?',
      text: `Xóa ${entry.code}: nhân viên sẽ không chọn được câu này nữa. Các tin đã gửi vẫn giữ nguyên.`,
      confirmLabel: 'Xóa câu trả lời mẫu',
    }),
  });
}
