import { checkDraft, previewFor, type BroadcastWebDeps } from '../../../domain/broadcasts/manage';
import { describeSegment } from '../../../domain/broadcasts/segments';
import { CsrfField, type Flash } from '../layout';
import { fmtDateTime, page, type StaffContext } from '../ui';
import { ComposeHiddenFields, MessageAsSeen, PreviewBox } from './boxes';
import { draftOf, type ComposeForm } from './composeForm';

/**
 * The second step: the message exactly as cadres will see it, who receives it (in words and by channel),
 * when, and one button that names the count. Nothing is stored until staff press it.
 */
export function confirmPage(deps: BroadcastWebDeps, c: StaffContext, form: ComposeForm, opts: { flash?: Flash | null; status?: 409 } = {}) {
  const input = draftOf(form);
  const { segment, startAt } = input;
  const { draft, recipients } = checkDraft(deps, input);
  const preview = previewFor(deps, segment, draft.templateName);
  return page(
    c,
    deps.committeeName,
    'Kiểm tra trước khi gửi',
    <form method="post" action="/staff/broadcasts">
      <CsrfField token={c.get('csrfToken')} />
      <ComposeHiddenFields form={form} />
      <input type="hidden" name="confirmedRecipients" value={String(recipients)} />
      <div class="card">
        <h2 style="margin-top:0">Tin cán bộ sẽ nhận trên Zalo</h2>
        <MessageAsSeen text={draft.text} buttons={draft.buttons} />
        <p class="small muted">
          Người nhận qua email thấy tiêu đề «{draft.title}» và cùng nội dung.
          {draft.templateName ? ` Người quá 7 ngày chưa tương tác nhận mẫu tin «${draft.templateName}».` : ''}
        </p>
      </div>
      <PreviewBox preview={preview} segmentText={describeSegment(deps.db, segment)} prices={deps.prices} />
      <div class="card">
        <h2 style="margin-top:0">Thời điểm gửi</h2>
        <p>{startAt === null ? 'Gửi ngay sau khi xác nhận (không gửi từ 21:00 đến 7:00).' : `Hẹn giờ: ${fmtDateTime(startAt)} (giờ Việt Nam).`}</p>
      </div>
      <div class="actions">
        <button class="btn secondary" type="submit" formaction="/staff/broadcasts/preview" formnovalidate>
          Quay lại sửa
        </button>
        <button class="btn" type="submit" name="action" value="send">
          Xác nhận gửi cho {recipients} người
        </button>
      </div>
    </form>,
    { flash: opts.flash, status: opts.status },
  );
}
