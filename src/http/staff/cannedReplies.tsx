import { Hono } from 'hono';
import { z } from 'zod';
import { CANNED_TEXT_MAX, CannedReplyInput, deleteCannedReply, getCannedReply, listCannedReplies, saveCannedReply } from '../../domain/conversations/cannedReplies';
import { fieldProblems, problemText, vietnameseIssue } from '../../domain/shared/validationText';
import { AppError } from '../../errors';
import type { CannedReply } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { IdParam, validate } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { EmptyRow, fmtDateTime, page, PostButton, type StaffContext } from './ui';

const notices: Record<string, Flash> = {
  saved: { kind: 'ok', text: 'Đã lưu câu trả lời mẫu.' },
  deleted: { kind: 'ok', text: 'Đã xóa câu trả lời mẫu.' },
};

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
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function cannedReplyPages(deps: StaffDeps) {
  const form = (c: StaffContext, entry: Partial<CannedReply>, opts: { flash?: Flash | null; status?: 400 } = {}) =>
    page(
      c,
      deps.committee.name,
      entry.id ? 'Sửa câu trả lời mẫu' : 'Thêm câu trả lời mẫu',
      <form method="post" action={entry.id ? `/staff/canned-replies/${entry.id}` : '/staff/canned-replies'}>
        <CsrfField token={c.get('csrfToken')} />
        <div class="card">
          <label for="code">Mã ngắn (ví dụ /diachi)</label>
          <input type="text" id="code" name="code" required maxlength={31} value={entry.code ?? ''} style="max-width:14rem" />
          <label for="text" style="margin-top:.6rem">
            Nội dung (tối đa {CANNED_TEXT_MAX} ký tự)
          </label>
          <textarea id="text" name="text" rows={5} required maxlength={CANNED_TEXT_MAX}>
            {entry.text ?? ''}
          </textarea>
        </div>
        <div class="actions">
          <button class="btn" type="submit">
            Lưu
          </button>
          <a class="btn secondary" href="/staff/canned-replies">
            Quay lại
          </a>
        </div>
      </form>,
      opts,
    );

  const save = async (c: StaffContext, id: number | null) => {
    const body = Object.fromEntries(Object.entries(await c.req.parseBody()));
    const shown = { ...(id ? getCannedReply(deps.db, id) : {}), code: String(body.code ?? ''), text: String(body.text ?? '') };
    const parsed = CannedReplyInput.safeParse(body, { error: vietnameseIssue });
    if (!parsed.success) return form(c, shown, { flash: { kind: 'bad', text: fieldProblems(parsed.error.issues).map(problemText).join('; ') }, status: 400 });
    try {
      saveCannedReply(deps.db, staffActor(currentStaff(c)), id, parsed.data, deps.clock.now());
    } catch (e) {
      if (e instanceof AppError && e.code === 'conflict') return form(c, shown, { flash: { kind: 'bad', text: e.message }, status: 400 });
      throw e;
    }
    return c.redirect('/staff/canned-replies?msg=saved', 303);
  };

  return new Hono<StaffEnv>()
    .get('/', requirePermission('cannedReplies', 'manage'), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) => {
      const rows = listCannedReplies(deps.db);
      const token = c.get('csrfToken');
      return page(
        c,
        deps.committee.name,
        'Câu trả lời mẫu',
        <>
          <p class="muted" style="margin-top:0">
            Nhân viên chọn các câu dưới đây trong ô trả lời của cuộc trò chuyện và của yêu cầu, sửa nếu cần rồi mới gửi.
          </p>
          <p>
            <a class="btn" href="/staff/canned-replies/new">
              Thêm câu trả lời mẫu
            </a>
          </p>
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Mã</th>
                  <th>Nội dung</th>
                  <th>Sửa lúc</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? <EmptyRow colspan={4}>Chưa có câu trả lời mẫu nào.</EmptyRow> : null}
                {rows.map((r) => (
                  <tr data-canned-id={String(r.id)}>
                    <td data-label="Mã">
                      <a href={`/staff/canned-replies/${r.id}`}>{r.code}</a>
                    </td>
                    <td data-label="Nội dung" class="small" style="white-space:pre-line">
                      {r.text}
                    </td>
                    <td data-label="Sửa lúc">{fmtDateTime(r.updatedAt) || '—'}</td>
                    <td>
                      <PostButton action={`/staff/canned-replies/${r.id}/delete`} token={token} class="btn danger small" label="Xóa" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>,
        { flash: notices[c.req.valid('query').msg ?? ''] ?? null },
      );
    })
    .get('/new', requirePermission('cannedReplies', 'manage'), (c) => form(c, {}))
    .get('/:id{[0-9]+}', requirePermission('cannedReplies', 'manage'), validate('param', IdParam), (c) => form(c, getCannedReply(deps.db, c.req.valid('param').id)))
    .post('/', requirePermission('cannedReplies', 'manage'), (c) => save(c, null))
    .post('/:id{[0-9]+}', requirePermission('cannedReplies', 'manage'), validate('param', IdParam), (c) => save(c, c.req.valid('param').id))
    .post(
      '/:id{[0-9]+}/delete',
      requirePermission('cannedReplies', 'manage'),
      validate('param', IdParam),
      confirmFirst(deps.committee.name, (c) => {
        const entry = getCannedReply(deps.db, Number(c.req.param('id')));
        return {
          title: 'Xóa câu trả lời mẫu?',
          text: `Xóa ${entry.code}: nhân viên sẽ không chọn được câu này nữa. Các tin đã gửi vẫn giữ nguyên.`,
          confirmLabel: 'Xóa câu trả lời mẫu',
          back: '/staff/canned-replies',
        };
      }),
      (c) => {
        deleteCannedReply(deps.db, staffActor(currentStaff(c)), c.req.valid('param').id, deps.clock.now());
        return c.redirect('/staff/canned-replies?msg=deleted', 303);
      },
    );
}
