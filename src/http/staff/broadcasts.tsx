/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { asc, inArray } from 'drizzle-orm';
import { estimateCost, formatVnd, type Prices } from '../../domain/outreach/prices';
import { categoryLabels } from '../../domain/registry/registryColumns';
import { Hono } from 'hono';
import { z } from 'zod';
import { BROADCAST_TEXT_MAX, broadcastTextAsSent, broadcastStatusLabels } from '../../domain/broadcasts/broadcasts';
import { broadcastProgress, listBroadcasts, recipientResults, type BroadcastProgress } from '../../domain/broadcasts/progress';
import { vietnamInstant } from '../../domain/shared/quietHours';
import { parseVietnameseDate } from '../../domain/shared/dates';
import { countSegment, describeSegment, knownUnits, SegmentFilter, skipReasonLabels, type SegmentPreview } from '../../domain/broadcasts/segments';
import { AppError } from '../../errors';
import { cadreCategories, campaigns, clinics, type Broadcast } from '../../store/schema';
import { classCodes, healthClassLabel } from '../../domain/results/classification';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import {
  broadcastOrThrow,
  channelLabels,
  checkDraft,
  composeBroadcast,
  exportResults,
  previewFor,
  reasonLabel,
  recipientStatusLabels,
  runBroadcastCommand,
  type BroadcastWebDeps,
} from '../../domain/broadcasts/manage';
import { fileHeaders } from '../download';
import { validate, IdParam } from '../validation';
import { CsrfField, type Flash } from './layout';
import { DateInput, fmtDateTime, page, EmptyRow, ListCount, ListPager } from './ui';
import { pageParam } from '../../domain/shared/listing';


/** The compose form as sent by the browser (repeated fields for the multi-choices). */
interface ComposeForm {
  title: string;
  text: string;
  buttons: string;
  templateName: string;
  categories: string[];
  units: string[];
  clinicIds: string[];
  healthClasses: string[];
  campaignNotBooked: string;
  linkedOnly: boolean;
  everyone: boolean;
  when: 'now' | 'at';
  date: string;
  time: string;
  /** Set only by the confirm step: the recipient count staff saw and confirmed. */
  confirmedRecipients: string;
}

async function readComposeForm(c: { req: { formData(): Promise<FormData> } }): Promise<ComposeForm> {
  const f = await c.req.formData();
  const one = (k: string) => {
    const v = f.get(k);
    return typeof v === 'string' ? v : '';
  };
  const all = (k: string) => f.getAll(k).filter((v): v is string => typeof v === 'string' && v !== '');
  return {
    title: one('title'),
    text: one('text'),
    buttons: one('buttons'),
    templateName: one('templateName'),
    categories: all('categories'),
    units: all('units'),
    clinicIds: all('clinicIds'),
    healthClasses: all('healthClasses'),
    campaignNotBooked: one('campaignNotBooked'),
    linkedOnly: one('linkedOnly') === 'on',
    everyone: one('everyone') === 'on',
    when: one('when') === 'at' ? 'at' : 'now',
    date: one('date'),
    time: one('time'),
    confirmedRecipients: one('confirmedRecipients'),
  };
}

function segmentOf(form: ComposeForm): SegmentFilter {
  const parsed = SegmentFilter.safeParse({
    categories: form.categories,
    units: form.units,
    clinicIds: form.clinicIds.map(Number),
    healthClasses: form.healthClasses,
    campaignNotBooked: form.campaignNotBooked ? Number(form.campaignNotBooked) : null,
    linkedOnly: form.linkedOnly,
    everyone: form.everyone,
  });
  if (!parsed.success) throw new AppError('validation_failed', 'Nhóm người nhận chưa hợp lệ. Vui lòng chọn lại.');
  return parsed.data;
}

function startAtOf(form: ComposeForm): number | null {
  if (form.when === 'now') return null;
  const date = parseVietnameseDate(form.date);
  if (!date || !/^\d{1,2}:\d{2}$/.test(form.time)) {
    throw new AppError('validation_failed', 'Vui lòng ghi ngày gửi (ngày/tháng/năm) và giờ gửi (giờ:phút), hoặc chọn "Gửi ngay".');
  }
  const [h, m] = form.time.split(':').map(Number) as [number, number];
  if (h > 23 || m > 59) throw new AppError('validation_failed', 'Giờ gửi chưa hợp lệ.');
  return vietnamInstant(date, h, m);
}

const buttonsOf = (form: ComposeForm) =>
  form.buttons
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((label) => ({ title: label, payload: label }));

function ProgressBox(props: { p: BroadcastProgress; status: Broadcast['status'] }) {
  const { p } = props;
  const pct = p.total ? Math.round(((p.total - p.queued) / p.total) * 100) : props.status === 'done' ? 100 : 0;
  return (
    <div id="progress">
      <div class="stats">
        <div class="stat">
          <span class="muted small">Trạng thái</span>
          <b>{broadcastStatusLabels[props.status]}</b>
        </div>
        <div class="stat">
          <span class="muted small">Người nhận</span>
          <b>{p.total}</b>
        </div>
        <div class="stat">
          <span class="muted small">Chờ gửi</span>
          <b>{p.queued}</b>
        </div>
        <div class="stat">
          <span class="muted small">Đã gửi</span>
          <b>{p.sent}</b>
        </div>
        <div class="stat">
          <span class="muted small">Lỗi</span>
          <b>{p.failed}</b>
        </div>
        <div class="stat">
          <span class="muted small">Bỏ qua</span>
          <b>{p.skipped.opted_out + p.skipped.no_zalo_link + p.skipped.no_channel + p.skipped.other}</b>
        </div>
        <div class="stat">
          <span class="muted small">Đã hủy</span>
          <b>{p.cancelled}</b>
        </div>
      </div>
      <progress max={100} value={pct} style="width:100%" aria-label="Tiến độ" />
      <dl class="kv" style="margin-top:.8rem">
        <dt>Zalo (tin tư vấn)</dt>
        <dd>{p.byChannel.zalo}</dd>
        <dt>Zalo (mẫu tin)</dt>
        <dd>{p.byChannel.zalo_template}</dd>
        <dt>Chuyển sang email</dt>
        <dd>{p.fellBackToEmail}</dd>
        <dt>Bỏ qua: {skipReasonLabels.opted_out}</dt>
        <dd>{p.skipped.opted_out}</dd>
        <dt>Bỏ qua: {skipReasonLabels.no_zalo_link}</dt>
        <dd>{p.skipped.no_zalo_link}</dd>
        <dt>Bỏ qua: {skipReasonLabels.no_channel}</dt>
        <dd>{p.skipped.no_channel + p.skipped.other}</dd>
      </dl>
    </div>
  );
}

function PreviewBox(props: { preview: SegmentPreview; segmentText?: string; prices?: Prices }) {
  const { preview } = props;
  return (
    <div class="card" id="preview">
      <h2 style="margin-top:0">Xem trước: {preview.count} người nhận</h2>
      {props.segmentText ? <p>{props.segmentText}</p> : null}
      {preview.sample.length ? (
        <p class="small">
          Ví dụ: {preview.sample.map((s) => s.fullName).join(', ')}
          {preview.count > preview.sample.length ? ', …' : ''}
        </p>
      ) : (
        <p class="muted">Không có cán bộ nào trong nhóm này.</p>
      )}
      <dl class="kv">
        <dt>Zalo (tin tư vấn, trong 7 ngày tương tác)</dt>
        <dd>{preview.byChannel.zalo}</dd>
        <dt>Zalo (mẫu tin đã duyệt)</dt>
        <dd>{preview.byChannel.zalo_template}</dd>
        <dt>Email</dt>
        <dd>{preview.byChannel.email}</dd>
        {props.prices ? (
          <>
            <dt>Chi phí ước tính (tối đa, chưa gồm VAT)</dt>
            <dd id="broadcast-cost">{formatVnd(estimateCost(props.prices, preview.byChannel))}</dd>
          </>
        ) : null}
        {(Object.keys(preview.skipped) as (keyof SegmentPreview['skipped'])[]).map((k) => (
          <>
            <dt>Bỏ qua: {skipReasonLabels[k]}</dt>
            <dd>{preview.skipped[k]}</dd>
          </>
        ))}
      </dl>
    </div>
  );
}

/** The composed form carried through the confirm step unchanged, as hidden fields. */
function ComposeHiddenFields(props: { form: ComposeForm }) {
  const f = props.form;
  const one = (name: string, value: string) => <input type="hidden" name={name} value={value} />;
  const many = (name: string, values: string[]) => values.map((v) => one(name, v));
  return (
    <>
      {one('title', f.title)}
      {one('text', f.text)}
      {one('buttons', f.buttons)}
      {one('templateName', f.templateName)}
      {many('categories', f.categories)}
      {many('units', f.units)}
      {many('clinicIds', f.clinicIds)}
      {many('healthClasses', f.healthClasses)}
      {one('campaignNotBooked', f.campaignNotBooked)}
      {f.linkedOnly ? one('linkedOnly', 'on') : null}
      {f.everyone ? one('everyone', 'on') : null}
      {one('when', f.when)}
      {one('date', f.date)}
      {one('time', f.time)}
    </>
  );
}

/** The message as a cadre will read it on Zalo: text, the opt-out line, the buttons. */
function MessageAsSeen(props: { text: string; buttons: { title: string }[] }) {
  return (
    <div class="zalo-bubble" style="max-width:30rem;background:#eef6ff;border:1px solid var(--line);border-radius:12px;padding:.7rem .9rem">
      <div style="white-space:pre-wrap">{broadcastTextAsSent({ text: props.text })}</div>
      {props.buttons.length ? (
        <div style="display:flex;flex-direction:column;gap:.3rem;margin-top:.6rem">
          {props.buttons.map((b) => (
            <span style="display:block;text-align:center;border:1px solid #9ec5f8;border-radius:8px;padding:.35rem;background:#fff">{b.title}</span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

const statusBadge = (s: Broadcast['status']) =>
  ({ scheduled: 'warn', running: 'ok', paused: 'warn', cancelled: 'bad', done: '' })[s];

/** /staff/broadcasts: compose with a preview, follow progress live, pause / resume / cancel, export results. */
// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
export function broadcastPages(deps: BroadcastWebDeps) {
  const choices = () => ({
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
  });

  // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
  const composePage = (c: Parameters<typeof page>[0], form: Partial<ComposeForm>, opts: { preview?: SegmentPreview; flash?: Flash | null; status?: 400 } = {}) => {
    const ch = choices();
    const has = (list: string[] | undefined, v: string | number) => (list ?? []).includes(String(v));
    return page(
      c,
      deps.committeeName,
      'Soạn thông báo chung',
      <form method="post" action="/staff/broadcasts">
        <CsrfField token={c.get('csrfToken')} />
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
            {ch.templates.map((t) => (
              <option value={t} selected={form.templateName === t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div class="card">
          <h2 style="margin-top:0">Người nhận</h2>
          <div class="grid">
            <fieldset>
              <legend class="small muted">Đối tượng</legend>
              {cadreCategories.map((k) => (
                <label>
                  <input type="checkbox" name="categories" value={k} checked={has(form.categories, k)} /> {categoryLabels[k]}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend class="small muted">Phân loại sức khỏe</legend>
              {[...ch.healthClasses, 'none'].map((k) => (
                <label>
                  <input type="checkbox" name="healthClasses" value={k} checked={has(form.healthClasses, k)} /> {k === 'none' ? 'Chưa phân loại' : healthClassLabel(k)}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend class="small muted">Phòng khám</legend>
              {ch.clinics.map((k) => (
                <label>
                  <input type="checkbox" name="clinicIds" value={String(k.id)} checked={has(form.clinicIds, k.id)} /> {k.name}
                </label>
              ))}
            </fieldset>
          </div>
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
  };

  /**
   * The second step: the message exactly as cadres will see it, who receives it (in words and by channel),
   * when, and one button that names the count. Nothing is stored until staff press it.
   */
  const confirmPage = (c: Parameters<typeof page>[0], form: ComposeForm, opts: { flash?: Flash | null; status?: 409 } = {}) => {
    const segment = segmentOf(form);
    const startAt = startAtOf(form);
    const { draft, recipients } = checkDraft(deps, {
      title: form.title,
      text: form.text,
      buttons: buttonsOf(form),
      templateName: form.templateName || null,
      segment,
      startAt,
    });
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
  };

  /** Shows the compose form again with the reason when the input is refused (400). */
  const orComposeAgain = (c: Parameters<typeof page>[0], form: ComposeForm, run: () => Response | Promise<Response>) => {
    try {
      return run();
    } catch (err) {
      if (err instanceof AppError && err.status === 400) {
        const details = Array.isArray(err.details) ? (err.details as { message: string }[]).map((d) => d.message).join('; ') : '';
        return composePage(c, form, { flash: { kind: 'bad', text: details ? `${err.message} ${details}` : err.message }, status: 400 });
      }
      throw err;
    }
  };

  const flashes: Record<string, Flash> = {
    created: { kind: 'ok', text: 'Đã tạo thông báo. Hệ thống sẽ gửi theo thời điểm đã chọn.' },
    pause: { kind: 'ok', text: 'Đã tạm dừng. Tin đang gửi dở sẽ hoàn tất; người còn lại chờ đến khi tiếp tục.' },
    resume: { kind: 'ok', text: 'Đã tiếp tục gửi.' },
    cancel: { kind: 'warn', text: 'Đã hủy. Người chưa nhận sẽ không nhận được thông báo này.' },
  };

  return new Hono<StaffEnv>()
    .use(requirePermission('broadcasts', 'manage'))
    .get('/', validate('query', z.object({ page: pageParam })), (c) => {
      const { items, window } = listBroadcasts(deps.db, c.req.valid('query').page);
      return page(
        c,
        deps.committeeName,
        'Thông báo chung',
        <>
          <p class="actions">
            <a class="btn" href="/staff/broadcasts/new">
              Soạn thông báo mới
            </a>
          </p>
          <ListCount window={window} noun="thông báo" />
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Tiêu đề</th>
                  <th>Trạng thái</th>
                  <th>Bắt đầu</th>
                  <th>Đã gửi / người nhận</th>
                </tr>
              </thead>
              <tbody>
                {items.length === 0 ? <EmptyRow colspan={4}>Chưa có thông báo nào.</EmptyRow> : null}
                {items.map((b) => {
                  const p = broadcastProgress(deps.db, b.id);
                  return (
                    <tr>
                      <td data-label="Tiêu đề">
                        <a href={`/staff/broadcasts/${b.id}`}>{b.title}</a>
                      </td>
                      <td data-label="Trạng thái">
                        <span class={`badge ${statusBadge(b.status)}`}>{broadcastStatusLabels[b.status]}</span>
                      </td>
                      <td data-label="Bắt đầu">{fmtDateTime(b.startAt)}</td>
                      <td data-label="Đã gửi">
                        {p.sent} / {p.total}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <ListPager window={window} query={{}} noun="thông báo" />
        </>,
      );
    })
    .get('/new', (c) => composePage(c, { when: 'now' }))
    .post('/preview', async (c) => {
      const form = await readComposeForm(c);
      try {
        const preview = previewFor(deps, segmentOf(form), form.templateName || null);
        return composePage(c, form, { preview });
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return composePage(c, form, { flash: { kind: 'bad', text: err.message }, status: 400 });
        throw err;
      }
    })
    .post('/confirm', async (c) => {
      const form = await readComposeForm(c);
      return orComposeAgain(c, form, () => confirmPage(c, form));
    })
    .post('/', async (c) => {
      const form = await readComposeForm(c);
      // Without the count from the confirm step, show that step: nothing is sent on one click.
      if (!/^\d+$/.test(form.confirmedRecipients)) return orComposeAgain(c, form, () => confirmPage(c, form));
      return orComposeAgain(c, form, () => {
        try {
          const b = composeBroadcast(deps, currentStaff(c), {
            title: form.title,
            text: form.text,
            buttons: buttonsOf(form),
            templateName: form.templateName || null,
            segment: segmentOf(form),
            startAt: startAtOf(form),
            confirmedRecipients: Number(form.confirmedRecipients),
          });
          return c.redirect(`/staff/broadcasts/${b.id}?msg=created`, 303);
        } catch (err) {
          // The segment changed since staff confirmed: show the new count and ask again.
          if (err instanceof AppError && err.code === 'conflict') return confirmPage(c, form, { flash: { kind: 'warn', text: err.message }, status: 409 });
          throw err;
        }
      });
    })
    // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
    .get('/:id{[0-9]+}', validate('param', IdParam), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) => {
      const b = broadcastOrThrow(deps, c.req.valid('param').id);
      const token = c.get('csrfToken');
      const live = b.status === 'running' || b.status === 'scheduled';
      const action = (cmd: string, label: string, cls = 'secondary') => (
        <form method="post" class="inline" action={`/staff/broadcasts/${b.id}/${cmd}`}>
          <CsrfField token={token} />
          <button class={`btn ${cls}`} type="submit">
            {label}
          </button>
        </form>
      );
      const sample = recipientResults(deps.db, b.id, 0, 20);
      return page(
        c,
        deps.committeeName,
        b.title,
        <>
          <div class="card">
            <dl class="kv">
              <dt>Bắt đầu</dt>
              <dd>
                {fmtDateTime(b.startAt)}
                {b.startAt !== b.requestedAt ? <span class="small muted"> (dời khỏi giờ nghỉ 21:00–7:00; đã chọn {fmtDateTime(b.requestedAt)})</span> : null}
              </dd>
              <dt>Người nhận</dt>
              <dd>
                {describeSegment(deps.db, SegmentFilter.parse(b.segment))}
                {b.status === 'scheduled' || !b.fanoutDone ? (
                  <span class="small muted"> (dự kiến {countSegment(deps.db, SegmentFilter.parse(b.segment))} người; tính lại lúc gửi)</span>
                ) : null}
              </dd>
              <dt>Mẫu tin Zalo</dt>
              <dd>{b.templateName ?? 'Không dùng'}</dd>
            </dl>
            <pre style="white-space:pre-wrap;font:inherit;background:#fafbfc;border:1px solid var(--line);border-radius:8px;padding:.6rem">{b.text}</pre>
          </div>
          <div class="card" id="progress-card" data-live={live ? '1' : '0'} data-src={`/staff/broadcasts/${b.id}/progress`}>
            <ProgressBox p={broadcastProgress(deps.db, b.id)} status={b.status} />
          </div>
          <div class="actions" style="margin-bottom:1rem">
            {b.status === 'running' || b.status === 'scheduled' ? action('pause', 'Tạm dừng') : null}
            {b.status === 'paused' ? action('resume', 'Tiếp tục', '') : null}
            {b.status !== 'done' && b.status !== 'cancelled' ? (
              <a class="btn danger" href={`/staff/broadcasts/${b.id}/cancel`}>
                Hủy thông báo
              </a>
            ) : null}
            <a class="btn secondary" href={`/staff/broadcasts/${b.id}/export?format=xlsx`}>
              Tải kết quả (Excel)
            </a>
            <a class="btn secondary" href={`/staff/broadcasts/${b.id}/export?format=csv`}>
              Tải kết quả (CSV)
            </a>
          </div>
          <h2>20 người nhận đầu tiên (tải kết quả để xem đủ)</h2>
          <div class="table-wrap">
            <table class="responsive">
              <thead>
                <tr>
                  <th>Cán bộ</th>
                  <th>Trạng thái</th>
                  <th>Kênh</th>
                  <th>Lý do</th>
                </tr>
              </thead>
              <tbody>
                {sample.map((r) => (
                  <tr>
                    <td data-label="Cán bộ">
                      {r.fullName} <span class="small muted">{r.cadreCode}</span>
                    </td>
                    <td data-label="Trạng thái">{recipientStatusLabels[r.status]}</td>
                    <td data-label="Kênh">{r.channel ? channelLabels[r.channel] : ''}</td>
                    <td data-label="Lý do">{reasonLabel(r.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <script src="/static/broadcast-progress.js" defer></script>
        </>,
        { flash: flashes[c.req.valid('query').msg ?? ''] ?? null },
      );
    })
    .get('/:id{[0-9]+}/progress', validate('param', IdParam), (c) => {
      const b = broadcastOrThrow(deps, c.req.valid('param').id);
      const final = b.status !== 'running' && b.status !== 'scheduled';
      return c.html(
        <>
          <ProgressBox p={broadcastProgress(deps.db, b.id)} status={b.status} />
          {final ? <span data-final="1" hidden /> : null}
        </>,
      );
    })
    .get('/:id{[0-9]+}/cancel', validate('param', IdParam), (c) => {
      const b = broadcastOrThrow(deps, c.req.valid('param').id);
      const p = broadcastProgress(deps.db, b.id);
      const waiting = b.fanoutDone ? p.queued : countSegment(deps.db, SegmentFilter.parse(b.segment)) - (p.total - p.queued);
      return page(
        c,
        deps.committeeName,
        'Hủy thông báo?',
        <form method="post" action={`/staff/broadcasts/${b.id}/cancel`} class="card">
          <CsrfField token={c.get('csrfToken')} />
          <input type="hidden" name="confirm" value="1" />
          <p>
            Hủy «{b.title}»: khoảng <b>{Math.max(0, waiting)}</b> người chưa nhận sẽ không nhận được thông báo này. Tin đã gửi không thu hồi được.
          </p>
          <div class="actions">
            <a class="btn secondary" href={`/staff/broadcasts/${b.id}`}>
              Không hủy
            </a>
            <button class="btn danger" type="submit">
              Hủy thông báo
            </button>
          </div>
        </form>,
      );
    })
    .post('/:id{[0-9]+}/:command{pause|resume|cancel}', validate('param', IdParam.extend({ command: z.enum(['pause', 'resume', 'cancel']) })), async (c) => {
      const { id, command } = c.req.valid('param');
      if (command === 'cancel') {
        const confirmed = (await c.req.formData()).get('confirm') === '1';
        if (!confirmed) return c.redirect(`/staff/broadcasts/${id}/cancel`, 303);
      }
      runBroadcastCommand(deps, currentStaff(c), id, command);
      return c.redirect(`/staff/broadcasts/${id}?msg=${command}`, 303);
    })
    .get('/:id{[0-9]+}/export', validate('param', IdParam), validate('query', z.object({ format: z.enum(['csv', 'xlsx']).default('xlsx') })), async (c) => {
      const file = await exportResults(deps, currentStaff(c), c.req.valid('param').id, c.req.valid('query').format);
      return c.body(file.body, 200, fileHeaders(file));
    });
}

