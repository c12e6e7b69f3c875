import { deleteFaq, FaqInput, faqPlaceholders, getFaq, listFaq, renderFaqAnswer, saveFaq } from '../../domain/conversations/faq';
import type { FaqEntry } from '../../store/schema';
import { requirePermission } from '../auth/session';
import type { StaffDeps } from '../deps';
import { crudPages } from './crudPages';

function FaqFields(props: { entry: Partial<FaqEntry> }) {
  const { entry } = props;
  return (
    <>
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
    </>
  );
}

/** /staff/faq: the answers the Zalo assistant gives to simple questions (address, phones, hours, ...). */
export function faqPages(deps: StaffDeps) {
  return crudPages(deps, {
    base: '/staff/faq',
    guard: requirePermission('faq', 'manage'),
    titles: { list: 'Câu hỏi thường gặp', add: 'Thêm câu hỏi thường gặp', edit: 'Sửa câu hỏi thường gặp', addButton: 'Thêm câu hỏi' },
    intro: 'Trợ lý Zalo trả lời các câu hỏi đơn giản bằng những câu trả lời dưới đây; khi không có câu nào khớp, trợ lý mời gặp nhân viên.',
    notices: {
      saved: { kind: 'ok', text: 'Đã lưu. Trợ lý Zalo dùng câu trả lời mới ngay.' },
      deleted: { kind: 'ok', text: 'Đã xóa câu hỏi.' },
    },
    columns: ['Câu hỏi', 'Câu trả lời (như cán bộ thấy)', 'Trạng thái'],
    empty: 'Chưa có câu hỏi nào.',
    cells: (r) => (
      <>
        <td data-label="Câu hỏi">
          <a href={`/staff/faq/${r.id}`}>{r.question}</a>
          <div class="small muted">{r.phrasings.split('\n').filter(Boolean).length} cách hỏi khác</div>
        </td>
        <td data-label="Câu trả lời" class="small" style="white-space:pre-line">
          {renderFaqAnswer(deps.db, r.answer, null, deps.committee.hotline)}
        </td>
        <td data-label="Trạng thái">{r.active ? 'Đang dùng' : 'Tạm ẩn'}</td>
      </>
    ),
    fields: (entry) => <FaqFields entry={entry} />,
    list: () => listFaq(deps.db),
    get: (id) => getFaq(deps.db, id),
    schema: FaqInput,
    // A refused form comes back as stored (a new one empty).
    shownOnError: (_body, id) => (id ? { ...getFaq(deps.db, id) } : {}),
    save: (actor, id, input, now) => saveFaq(deps.db, actor, id, input, now),
    remove: (actor, id, now) => deleteFaq(deps.db, actor, id, now),
    deleteQuestion: (entry) => ({
      title: 'Xóa câu hỏi thường gặp?',
      text: `Xóa “${entry.question}”: trợ lý sẽ không trả lời câu hỏi này nữa. Không hoàn tác được.`,
      confirmLabel: 'Xóa câu hỏi',
    }),
  });
}
