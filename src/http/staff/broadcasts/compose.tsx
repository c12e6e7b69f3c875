import { asc, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { BROADCAST_TEXT_MAX } from '../../../domain/broadcasts/broadcasts';
import { composeBroadcast, previewFor, type BroadcastWebDeps } from '../../../domain/broadcasts/manage';
import { knownUnits, type SegmentPreview } from '../../../domain/broadcasts/segments';
import { classCodes, healthClassLabel } from '../../../domain/results/classification';
import { categoryLabels } from '../../../domain/registry/registryColumns';
import { AppError } from '../../../errors';
import { fieldProblemsIn } from '../../../domain/shared/validationText';
import { cadreCategories, campaigns, clinics } from '../../../store/schema';
import { currentStaff, type StaffEnv } from '../../auth/session';
import { CsrfField, type Flash } from '../layout';
import { DateInput, page, type StaffContext } from '../ui';
import { PreviewBox } from './boxes';
import { confirmPage } from './confirm';
import { draftOf, readComposeForm, segmentOf, type ComposeForm } from './composeForm';

/** What the compose form offers to choose from. */
function composeChoices(deps: BroadcastWebDeps) {
  return {
    clinics: deps.db.select({ id: clinics.id, name: clinics.name }).from(clinics).orderBy(asc(clinics.name)).all(),
    campaigns: deps.db
      .select({ id: campaigns.id, name: campaigns.name, status: campaigns.status })
      .from(campaigns)
      .where(inArray(campaigns.status, ['open', 'draft']))
      .orderBy(asc(campaigns.startDate))
      .all(),
    units: knownUnits(deps.db),
    templates: Object.keys(deps.templates).sort(),
    healthClasses: classCodes(deps.classScheme ?? 'I-V'),
  };
}
type ComposeChoices = ReturnType<typeof composeChoices>;

const has = (list: string[] | undefined, v: string | number) => (list ?? []).includes(String(v));

function MessageFields(props: { form: Partial<ComposeForm>; templates: string[] }) {
  const { form } = props;
  return (
    <div class="card">
      <label for="title">Tiêu đề (để nhân viên nhận ra; cũng là tiêu đề email)</label>
      <input type="text" id="title" name="title" required maxlength={150} value={form.title ?? ''} />
      <label for="text" style="margin-top:.6rem">
        Nội dung (tối đa {BROADCAST_TEXT_MAX} ký tự; cuối tin tự thêm cách dừng nhận tin)
      </label>
      <textarea id="text" name="text" rows={6} required data-limit={String(BROADCAST_TEXT_MAX)} aria-describedby="text-count">
        {form.text ?? ''}
      </textarea>
      <p class="small muted" id="text-count" aria-live="polite">
        {(form.text ?? '').length} / {BROADCAST_TEXT_MAX} ký tự
      </p>
      <label for="buttons" style="margin-top:.6rem">
        Nút bấm (không bắt buộc; mỗi dòng một nút, tối đa 4, ví dụ "Đặt lịch khám")
      </label>
      <textarea id="buttons" name="buttons" rows={2}>
        {form.buttons ?? ''}
      </textarea>
      <label for="templateName" style="margin-top:.6rem">
        Mẫu tin Zalo cho người quá 7 ngày chưa tương tác
      </label>
      <select id="templateName" name="templateName">
        <option value="">Không dùng (gửi email nếu có)</option>
        {props.templates.map((t) => (
          <option value={t} selected={form.templateName === t}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One group of recipient checkboxes sharing a name; ticked as the form was sent. */
function RecipientChoice(props: { legend: string; name: string; options: { value: string; label: string }[]; ticked: string[] | undefined }) {
  return (
    <fieldset>
      <legend class="small muted">{props.legend}</legend>
      {props.options.map((o) => (
        <label>
          <input type="checkbox" name={props.name} value={o.value} checked={has(props.ticked, o.value)} /> {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/** The three checkbox groups: category, health class, clinic. */
function RecipientCheckboxes(props: { form: Partial<ComposeForm>; choices: ComposeChoices }) {
  const { form, choices: ch } = props;
  const classes = [...ch.healthClasses.map((k) => ({ value: k, label: healthClassLabel(k) })), { value: 'none', label: 'Chưa phân loại' }];
  return (
    <div class="grid">
      <RecipientChoice legend="Đối tượng" name="categories" options={cadreCategories.map((k) => ({ value: k, label: categoryLabels[k] }))} ticked={form.categories} />
      <RecipientChoice legend="Phân loại sức khỏe" name="healthClasses" options={classes} ticked={form.healthClasses} />
      <RecipientChoice legend="Phòng khám" name="clinicIds" options={ch.clinics.map((k) => ({ value: String(k.id), label: k.name }))} ticked={form.clinicIds} />
    </div>
  );
}

function RecipientFields(props: { form: Partial<ComposeForm>; choices: ComposeChoices }) {
  const { form, choices: ch } = props;
  return (
    <div class="card">
      <h2 style="margin-top:0">Người nhận</h2>
      <RecipientCheckboxes form={form} choices={ch} />
      <label for="units" style="margin-top:.6rem">
        Đơn vị (giữ Ctrl để chọn nhiều; bỏ trống = mọi đơn vị)
      </label>
      <select id="units" name="units" multiple size={Math.min(6, Math.max(2, ch.units.length))}>
        {ch.units.map((u) => (
          <option value={u} selected={has(form.units, u)}>
            {u}
          </option>
        ))}
      </select>
      <label for="campaignNotBooked" style="margin-top:.6rem">
        Đợt khám: chỉ người thuộc diện khám mà chưa đặt lịch
      </label>
      <select id="campaignNotBooked" name="campaignNotBooked">
        <option value="">Không lọc theo đợt khám</option>
        {ch.campaigns.map((k) => (
          <option value={String(k.id)} selected={form.campaignNotBooked === String(k.id)}>
            {k.name}
          </option>
        ))}
      </select>
      <label style="margin-top:.6rem">
        <input type="checkbox" name="linkedOnly" checked={form.linkedOnly ?? false} /> Chỉ cán bộ đã liên kết Zalo
      </label>
      <label style="margin-top:.6rem">
        <input type="checkbox" name="everyone" checked={form.everyone ?? false} /> <b>Tất cả cán bộ đang quản lý</b> (chọn rõ khi muốn gửi cho mọi người, không lọc)
      </label>
    </div>
  );
}

function WhenFields(props: { form: Partial<ComposeForm> }) {
  const { form } = props;
  return (
    <div class="card">
      <h2 style="margin-top:0">Thời điểm gửi</h2>
      <label>
        <input type="radio" name="when" value="now" checked={form.when !== 'at'} /> Gửi ngay
      </label>
      <label>
        <input type="radio" name="when" value="at" checked={form.when === 'at'} /> Hẹn giờ (giờ Việt Nam)
      </label>
      <div class="grid">
        <DateInput name="date" value={form.date} label="Ngày gửi (ngày/tháng/năm)" />
        <input type="text" name="time" value={form.time ?? ''} aria-label="Giờ gửi (giờ:phút)" placeholder="hh:mm" inputmode="numeric" pattern="\d{1,2}:\d{2}" />
      </div>
      <p class="small muted">Tin không gửi từ 21:00 đến 7:00; nếu rơi vào khoảng này sẽ bắt đầu lúc 7:00 sáng hôm sau.</p>
    </div>
  );
}

function composePage(
  deps: BroadcastWebDeps,
  c: StaffContext,
  form: Partial<ComposeForm>,
  opts: { preview?: SegmentPreview; flash?: Flash | null; status?: 400 } = {},
) {
  const ch = composeChoices(deps);
  return page(
    c,
    deps.committeeName,
    'Soạn thông báo chung',
    <form method="post" action="/staff/broadcasts">
      <CsrfField token={c.get('csrfToken')} />
      <MessageFields form={form} templates={ch.templates} />
      <RecipientFields form={form} choices={ch} />
      <WhenFields form={form} />
      {opts.preview ? <PreviewBox preview={opts.preview} prices={deps.prices} /> : null}
      <div class="actions">
        <button class="btn secondary" type="submit" name="action" value="preview" formaction="/staff/broadcasts/preview">
          Xem trước
        </button>
        <button class="btn" type="submit" name="action" value="confirm" formaction="/staff/broadcasts/confirm">
          Kiểm tra trước khi gửi
        </button>
      </div>
    </form>,
    { flash: opts.flash, status: opts.status },
  );
}

/** Shows the compose form again with the reason when the input is refused (400). */
function orComposeAgain(deps: BroadcastWebDeps, c: StaffContext, form: ComposeForm, run: () => Response | Promise<Response>) {
  try {
    return run();
  } catch (err) {
    if (err instanceof AppError && err.status === 400) {
      const details = fieldProblemsIn(err.details)
        .map((d) => d.message)
        .join('; ');
      return composePage(deps, c, form, { flash: { kind: 'bad', text: details ? `${err.message} ${details}` : err.message }, status: 400 });
    }
    throw err;
  }
}

/** Stores the broadcast staff confirmed; a segment that changed since then is confirmed again. */
function sendConfirmed(deps: BroadcastWebDeps, c: StaffContext, form: ComposeForm) {
  try {
    const b = composeBroadcast(deps, currentStaff(c), { ...draftOf(form), confirmedRecipients: Number(form.confirmedRecipients) });
    return c.redirect(`/staff/broadcasts/${b.id}?msg=created`, 303);
  } catch (err) {
    // The segment changed since staff confirmed: show the new count and ask again.
    if (err instanceof AppError && err.code === 'conflict') return confirmPage(deps, c, form, { flash: { kind: 'warn', text: err.message }, status: 409 });
    throw err;
  }
}

/** Compose, preview, confirm, send: nothing is stored before staff confirm the recipient count. */
export function composeRoutes(deps: BroadcastWebDeps) {
  return new Hono<StaffEnv>()
    .get('/new', (c) => composePage(deps, c, { when: 'now' }))
    .post('/preview', async (c) => {
      const form = await readComposeForm(c);
      try {
        const preview = previewFor(deps, segmentOf(form), form.templateName || null);
        return composePage(deps, c, form, { preview });
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return composePage(deps, c, form, { flash: { kind: 'bad', text: err.message }, status: 400 });
        throw err;
      }
    })
    .post('/confirm', async (c) => {
      const form = await readComposeForm(c);
      return orComposeAgain(deps, c, form, () => confirmPage(deps, c, form));
    })
    .post('/', async (c) => {
      const form = await readComposeForm(c);
      // Without the count from the confirm step, show that step: nothing is sent on one click.
      if (!/^\d+$/.test(form.confirmedRecipients)) return orComposeAgain(deps, c, form, () => confirmPage(deps, c, form));
      return orComposeAgain(deps, c, form, () => sendConfirmed(deps, c, form));
    });
}
