import { Hono } from 'hono';
import { z } from 'zod';
import { deleteFaq, FaqInput, faqPlaceholders, getFaq, listFaq, renderFaqAnswer, saveFaq } from '../../domain/conversations/faq';
import { fieldProblems, problemText, vietnameseIssue } from '../../domain/shared/validationText';
import type { FaqEntry } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { IdParam, validate } from '../validation';
import { confirmFirst } from './confirm';
import { CsrfField, type Flash } from './layout';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { EmptyRow, fmtDateTime, page, PostButton, type StaffContext } from './ui';

const notices: Record<string, Flash> = {
  saved: { kind: 'ok', text: 'Đã lưu. Trợ lý Zalo dùng câu trả lời mới ngay.' },
  deleted: { kind: 'ok', text: 'Đã xóa câu hỏi.' },
};

/** /staff/faq: the answers the Zalo assistant gives to simple questions (address, phones, hours, ...). */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function faqPages(deps: StaffDeps) {
  const form = (c: StaffContext, entry: Partial<FaqEntry> & { id?: number }, opts: { flash?: Flash | null; status?: 400 } = {}) =>
    page(
      c,
      deps.committee.name,
      entry.id ? 'Sửa câu hỏi thường gặp' : 'Thêm câu hỏi thường gặp',
      <form method="post" action={entry.id ? `/staff/faq/${entry.id}` : '/staff/faq'}>
        <CsrfField token={c.get('csrfToken')} />
        <div class="card">
          <label for="question">Câu hỏi</label>
          <input type="text" id="question" name="question" required maxlength={200} value={entry.question ?? ''} />
          <label for="phrasings" style="margin-top:.6rem">
            Các cách hỏi khác (mỗi dòng một cách; có dấu hay không dấu đều được)
          </label>
          <textarea id="phrasings" name="phrasings" rows={5}>
            {entry.phrasings ?? ''}
          </textarea>
          <label for="answer" style="margin-top:.6rem">
            Câu trả lời (tối đa 1500 ký tự)
          </label>
          <textarea id="answer" name="answer" rows={6} required maxlength={1500}>
            {entry.answer ?? ''}
          </textarea>
          <p class="small muted">
            Có thể chèn:{' '}
            {Object.entries(faqPlaceholders).map(([k, v]) => (
              <>
                <code>{k}</code> ({v}){' '}
              </>
            ))}
          </p>
          <label for="sortOrder" style="margin-top:.6rem">
            Thứ tự
          </label>
          <input type="number" id="sortOrder" name="sortOrder" min={0} max={999} value={String(entry.sortOrder ?? 0)} style="max-width:8rem" />
          <label style="margin-top:.6rem">
            <input type="checkbox" name="active" checked={entry.active ?? true} /> Đang dùng
          </label>
        </div>
        <div class="actions">
          <button class="btn" type="submit">
            Lưu
          </button>
          <a class="btn secondary" href="/staff/faq">
            Quay lại
          </a>
        </div>
      </form>,
      opts,
    );

  return new Hono<StaffEnv>()
    .get('/', requirePermission('faq', 'manage'), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) => {
      const rows = listFaq(deps.db);
      const token = c.get('csrfToken');
      return page(
        c,
        deps.committee.name,
        'Câu hỏi thường gặp',
        <>
          <p class="muted" style="margin-top:0">
            Trợ lý Zalo trả lời các câu hỏi đơn giản bằng những câu trả lời dưới đây; khi không có câu nào khớp, trợ lý mời gặp nhân viên.
          </p>
          <p>
            <a class="btn" href="/staff/faq/new">
              Thêm câu hỏi
            </a>
          </p>
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Câu hỏi</th>
                  <th>Câu trả lời (như cán bộ thấy)</th>
                  <th>Trạng thái</th>
                  <th>Sửa lúc</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 ? <EmptyRow colspan={5}>Chưa có câu hỏi nào.</EmptyRow> : null}
                {rows.map((r) => (
                  <tr>
                    <td data-label="Câu hỏi">
                      <a href={`/staff/faq/${r.id}`}>{r.question}</a>
                      <div class="small muted">{r.phrasings.split('\n').filter(Boolean).length} cách hỏi khác</div>
                    </td>
                    <td data-label="Câu trả lời" class="small" style="white-space:pre-line">
                      {renderFaqAnswer(deps.db, r.answer, null, deps.committee.hotline)}
                    </td>
                    <td data-label="Trạng thái">{r.active ? 'Đang dùng' : 'Tạm ẩn'}</td>
                    <td data-label="Sửa lúc">{fmtDateTime(r.updatedAt) || '—'}</td>
                    <td>
                      <PostButton action={`/staff/faq/${r.id}/delete`} token={token} class="btn danger small" label="Xóa" />
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
    .get('/new', requirePermission('faq', 'manage'), (c) => form(c, {}))
    .get('/:id{[0-9]+}', requirePermission('faq', 'manage'), validate('param', IdParam), (c) => form(c, getFaq(deps.db, c.req.valid('param').id)))
    .post('/', requirePermission('faq', 'manage'), async (c) => {
      const parsed = FaqInput.safeParse(Object.fromEntries(Object.entries(await c.req.parseBody())), { error: vietnameseIssue });
      if (!parsed.success) return form(c, {}, { flash: { kind: 'bad', text: fieldProblems(parsed.error.issues).map(problemText).join('; ') }, status: 400 });
      saveFaq(deps.db, staffActor(currentStaff(c)), null, parsed.data, deps.clock.now());
      return c.redirect('/staff/faq?msg=saved', 303);
    })
    .post('/:id{[0-9]+}', requirePermission('faq', 'manage'), validate('param', IdParam), async (c) => {
      const id = c.req.valid('param').id;
      const parsed = FaqInput.safeParse(Object.fromEntries(Object.entries(await c.req.parseBody())), { error: vietnameseIssue });
      if (!parsed.success) return form(c, { ...getFaq(deps.db, id) }, { flash: { kind: 'bad', text: fieldProblems(parsed.error.issues).map(problemText).join('; ') }, status: 400 });
      saveFaq(deps.db, staffActor(currentStaff(c)), id, parsed.data, deps.clock.now());
      return c.redirect('/staff/faq?msg=saved', 303);
    })
    .post(
      '/:id{[0-9]+}/delete',
      requirePermission('faq', 'manage'),
      validate('param', IdParam),
      confirmFirst(deps.committee.name, (c) => {
        const entry = getFaq(deps.db, Number(c.req.param('id')));
        return {
          title: 'Xóa câu hỏi thường gặp?',
          text: `Xóa “${entry.question}”: trợ lý sẽ không trả lời câu hỏi này nữa. Không hoàn tác được.`,
          confirmLabel: 'Xóa câu hỏi',
          back: '/staff/faq',
        };
      }),
      (c) => {
      deleteFaq(deps.db, staffActor(currentStaff(c)), c.req.valid('param').id, deps.clock.now());
      return c.redirect('/staff/faq?msg=deleted', 303);
      },
    );
}
