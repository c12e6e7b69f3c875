/* eslint-disable max-lines -- longer than 400 lines: to be split */
import { Hono } from 'hono';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Clock } from '../../clock';
import { heldBroadcastRecipients, QUOTA_PRIORITY_LABELS, QUOTA_RESERVE, quotaPriorities, quotaToday, templatesTodayByKind, waitingNotices } from '../../domain/outreach/quotaPlan';
import { formatVnd, type Prices } from '../../domain/outreach/prices';
import {
  listTemplates,
  previewBody,
  sampleValues,
  saveTemplate,
  TEMPLATE_BUTTON_OPENS,
  TEMPLATE_BY_USER_SINCE,
  TemplateInput,
  templateKindOf,
  templateWarnings,
  type TemplateKind,
} from '../../domain/outreach/templates';
import { AppError } from '../../errors';
import type { Db } from '../../store/db';
import { cadres, noticeTemplates, type TemplateParam } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate } from '../validation';
import { CsrfField, type Flash } from './layout';
import { EmptyRow, fmtCount, fmtDate, fmtDateTime, page, type StaffContext } from './ui';

export interface OutreachPageDeps {
  db: Db;
  clock: Clock;
  committeeName: string;
  /** ZALO_TEMPLATES */
  templates: Record<string, string>;
  templateDailyQuota: number;
  prices: Prices;
}

export const QUOTA_PATH = '/staff/outreach/quota';
export const TEMPLATES_PATH = '/staff/outreach/templates';


const KIND_LABELS: Record<string, string> = {
  'booking.reminder': 'Nhắc lịch khám',
  'booking.nudge': 'Nhắc đặt lịch',
  'campaign.invitation': 'Mời đặt lịch',
  'result.released': 'Đã có kết quả',
  'request.update': 'Cập nhật yêu cầu',
  'request.note': 'Trả lời yêu cầu',
  'link.move_requested': 'Chuyển liên kết',
};
export const noticeKindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;
const CHANNEL_LABELS: Record<string, string> = { zalo_template: 'Mẫu theo tài khoản Zalo', zalo_phone: 'Mẫu theo số điện thoại', deferred: 'Hoãn sang hôm sau' };

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
function QuotaPage(props: { deps: OutreachPageDeps; now: number }) {
  const { deps, now } = props;
  const quota = quotaToday(deps.db, deps.templateDailyQuota, now);
  const usage = templatesTodayByKind(deps.db, now);
  const waiting = waitingNotices(deps.db);
  return (
    <>
      <p class="muted" style="margin-top:0">
        Zalo cho OA một số tin mẫu mỗi ngày. Tin khẩn luôn được gửi trước; các loại khác chỉ dùng hạn mức khi còn nhiều hơn phần để dành, phần còn lại chờ đến 7:00 sáng hôm sau.
      </p>
      <div class="stats">
        <div class="stat" id="quota-used">
          <b>{fmtCount(quota.used)}</b>tin mẫu đã gửi hôm nay
        </div>
        <div class={`stat ${quota.remaining <= Math.ceil(0.3 * quota.daily) ? 'warn' : ''}`} id="quota-remaining">
          <b>
            {fmtCount(quota.remaining)} / {fmtCount(quota.daily)}
          </b>
          còn lại hôm nay
          <br />
          <small>{quota.reported ? 'theo số Zalo báo' : 'ước tính (Zalo chưa báo hôm nay)'}</small>
        </div>
        <div class="stat" id="quota-waiting">
          <b>{fmtCount(waiting.length)}</b>thông báo đang chờ
        </div>
        <div class="stat" id="quota-waiting-broadcasts">
          <b>{fmtCount(heldBroadcastRecipients(deps.db))}</b>tin gửi hàng loạt chờ sáng mai
        </div>
      </div>
      <section class="card">
        <h2 style="margin-top:0">Thứ tự ưu tiên</h2>
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr>
                <th>Ưu tiên</th>
                <th>Loại</th>
                <th>Được gửi khi còn trên</th>
                <th>Hôm nay</th>
              </tr>
            </thead>
            <tbody>
              {quotaPriorities.map((p, i) => {
                const reserve = Math.ceil(QUOTA_RESERVE[p] * quota.daily);
                return (
                  <tr>
                    <td data-label="Ưu tiên">{i + 1}</td>
                    <td data-label="Loại">{QUOTA_PRIORITY_LABELS[p]}</td>
                    <td data-label="Được gửi khi còn trên">{reserve === 0 ? 'còn tin là gửi' : `${fmtCount(reserve)} tin`}</td>
                    <td data-label="Hôm nay">{quota.remaining > reserve ? <span class="badge ok">đang gửi</span> : <span class="badge warn">chờ hôm sau</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card">
        <h2 style="margin-top:0">Đã dùng hôm nay theo loại thông báo</h2>
        <div class="table-wrap">
          <table class="responsive" id="quota-usage">
            <thead>
              <tr>
                <th>Thông báo</th>
                <th>Kênh</th>
                <th>Số tin</th>
              </tr>
            </thead>
            <tbody>
              {usage.length === 0 ? <EmptyRow colspan={3}>Hôm nay chưa gửi tin mẫu nào.</EmptyRow> : null}
              {usage.map((u) => (
                <tr>
                  <td data-label="Thông báo">{noticeKindLabel(u.kind)}</td>
                  <td data-label="Kênh">{CHANNEL_LABELS[u.channel] ?? u.channel}</td>
                  <td data-label="Số tin">{fmtCount(u.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card">
        <h2 style="margin-top:0">Đang chờ gửi</h2>
        <div class="table-wrap">
          <table class="responsive" id="quota-waiting-list">
            <thead>
              <tr>
                <th>Cán bộ</th>
                <th>Thông báo</th>
                <th>Ưu tiên</th>
                <th>Gửi lúc</th>
              </tr>
            </thead>
            <tbody>
              {waiting.length === 0 ? <EmptyRow colspan={4}>Không có thông báo nào phải chờ.</EmptyRow> : null}
              {waiting.slice(0, 200).map((w) => (
                <tr>
                  <td data-label="Cán bộ">
                    <a href={`/staff/registry/${w.cadreId}`}>{w.fullName}</a>
                  </td>
                  <td data-label="Thông báo">{noticeKindLabel(w.kind)}</td>
                  <td data-label="Ưu tiên">{QUOTA_PRIORITY_LABELS[w.priority]}</td>
                  <td data-label="Gửi lúc">{fmtDateTime(w.dueAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {waiting.length > 200 ? <p class="small muted">Hiện 200 trên {fmtCount(waiting.length)} thông báo.</p> : null}
      </section>
      <p class="small muted">
        Giá ước tính mỗi tin: mẫu theo tài khoản Zalo {formatVnd(deps.prices.templateByUser)}, theo số điện thoại {formatVnd(deps.prices.templateByPhone)}, tin tư vấn sau 48 giờ{' '}
        {formatVnd(deps.prices.csBilled)} (trong 48 giờ miễn phí).
      </p>
    </>
  );
}

const statusLabels: Record<string, string> = { approved: 'Đã duyệt', pending: 'Chờ Zalo duyệt', rejected: 'Bị từ chối', disabled: 'Tạm tắt' };

function TemplatesPage(props: { deps: OutreachPageDeps }) {
  const rows = listTemplates(props.deps.db, props.deps.templates);
  const missing = rows.filter((r) => !r.usable);
  return (
    <>
      <p class="muted" style="margin-top:0">
        Ngoài khung 7 ngày, thông báo đi bằng mẫu tin Zalo đã duyệt: theo tài khoản Zalo (cán bộ tương tác với OA trong một năm, mẫu duyệt từ {fmtDate(TEMPLATE_BY_USER_SINCE)}), rồi
        theo số điện thoại; không có mẫu thì gửi email.
      </p>
      {missing.length ? (
        <div class="flash warn" id="templates-missing">
          Chưa có mẫu được duyệt (sẽ gửi tin tư vấn hoặc email): {missing.map((r) => r.kind.label).join(', ')}.
        </div>
      ) : null}
      <div class="table-wrap">
        <table class="responsive" id="templates">
          <thead>
            <tr>
              <th>Thông báo</th>
              <th>Mã mẫu Zalo</th>
              <th>Trạng thái</th>
              <th>Gửi được</th>
              <th>Tham số</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td data-label="Thông báo">
                  <a href={`${TEMPLATES_PATH}/${r.kind.name}`}>{r.kind.label}</a>
                  <div class="small muted">
                    <code>{r.kind.name}</code>
                    {r.kind.buttons?.length ? <> · nút: {r.kind.buttons.map((b) => `“${b.title}”`).join(', ')}</> : null}
                  </div>
                </td>
                <td data-label="Mã mẫu">{r.saved?.templateId ?? (r.configuredId ? `${r.configuredId} (cấu hình)` : '—')}</td>
                <td data-label="Trạng thái">
                  {r.saved ? statusLabels[r.saved.status] : r.configuredId ? 'Đã duyệt (cấu hình)' : <span class="badge warn">Chưa có mẫu</span>}
                  {r.saved?.approvedOn ? <div class="small muted">duyệt {fmtDate(r.saved.approvedOn)}</div> : null}
                </td>
                <td data-label="Gửi được">{!r.usable ? '—' : r.byUserId ? 'Tài khoản Zalo, số điện thoại' : 'Chỉ số điện thoại'}</td>
                <td data-label="Tham số" class="small">
                  {r.saved?.params.length ? r.saved.params.map((p) => `${p.param} ← ${r.kind.sources.find((s) => s.key === p.source)?.label ?? p.source}`).join('; ') : 'như tên nguồn'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

interface TemplateFormValues {
  templateId: string;
  status: string;
  approvedOn: string;
  body: string;
  params: string;
}

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
function TemplateForm(props: {
  c: StaffContext;
  kind: TemplateKind;
  values: TemplateFormValues;
  params: TemplateParam[];
  preview: { cadreCode: string; cadreName: string | null; text: string } | null;
}) {
  const { kind, values } = props;
  const warnings = templateWarnings(values.body, props.params, kind);
  return (
    <>
      <p>
        <a href={TEMPLATES_PATH}>← Mẫu tin Zalo</a>
      </p>
      <form method="post" action={`${TEMPLATES_PATH}/${kind.name}`}>
        <CsrfField token={props.c.get('csrfToken')} />
        <div class="card">
          <div class="grid">
            <div>
              <label for="templateId">Mã mẫu Zalo (template id)</label>
              <input type="text" id="templateId" name="templateId" inputmode="numeric" required maxlength={20} value={values.templateId} />
            </div>
            <div>
              <label for="status">Trạng thái</label>
              <select id="status" name="status">
                {Object.entries(statusLabels).map(([v, l]) => (
                  <option value={v} selected={values.status === v}>
                    {l}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="approvedOn">Ngày Zalo duyệt (dd/mm/yyyy)</label>
              <input type="text" id="approvedOn" name="approvedOn" placeholder="dd/mm/yyyy" maxlength={10} value={values.approvedOn} />
            </div>
          </div>
          <label for="body" style="margin-top:.6rem">
            Nội dung mẫu như đã đăng ký với Zalo (tham số viết &lt;ten_tham_so&gt;)
          </label>
          <textarea id="body" name="body" rows={5} maxlength={2000}>
            {values.body}
          </textarea>
          <label for="params" style="margin-top:.6rem">
            Tham số: mỗi dòng "tên tham số của Zalo = nguồn"
          </label>
          <textarea id="params" name="params" rows={4} maxlength={2000}>
            {values.params}
          </textarea>
          {kind.buttons?.length ? (
            <div id="template-buttons-help" class="small" style="margin-top:.6rem">
              <strong>Nút cần đăng ký cùng mẫu:</strong>{' '}
              {kind.buttons.map((b) => (
                <>
                  “{b.title}” ({TEMPLATE_BUTTON_OPENS[b.opens]}){' '}
                </>
              ))}
              {kind.mustSay ? (
                <div class="muted">
                  Nút của mẫu tin Zalo chỉ mở đường dẫn, gọi điện hoặc mở khung chat, không gửi được câu trả lời; nội dung mẫu cần ghi: {kind.mustSay.words.join(' · ')}. Cán bộ bấm nút rồi
                  nhắn số vào khung chat.
                </div>
              ) : null}
            </div>
          ) : null}
          <p class="small muted">
            Nguồn có thể dùng:{' '}
            {kind.sources.map((s) => (
              <>
                <code>{s.key}</code> ({s.label}){' '}
              </>
            ))}
          </p>
        </div>
        {warnings.length ? (
          <div class="flash warn" id="template-warnings">
            <strong>Quy định của Zalo về nội dung mẫu:</strong>
            <ul style="margin:.3rem 0 0">
              {warnings.map((w) => (
                <li>{w}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <div class="actions">
          <button class="btn" type="submit">
            Lưu
          </button>
        </div>
      </form>
      <section class="card" id="template-preview">
        <h2 style="margin-top:0">Xem trước với dữ liệu của một cán bộ</h2>
        <form method="get" action={`${TEMPLATES_PATH}/${kind.name}`} class="inline">
          <label for="cadre">Mã cán bộ</label> <input type="text" id="cadre" name="cadre" maxlength={40} value={props.preview?.cadreCode ?? ''} style="max-width:12rem" />{' '}
          <button class="btn secondary small" type="submit">
            Xem
          </button>
        </form>
        {props.preview ? (
          <>
            <p class="small muted">{props.preview.cadreName ? `Dữ liệu của ${props.preview.cadreName}` : 'Không tìm thấy cán bộ với mã này.'}</p>
            <div style="white-space:pre-line;border:1px solid var(--line);border-radius:10px;padding:.7rem;background:#f8fafc">{props.preview.text || '(Chưa có nội dung mẫu)'}</div>
            {kind.buttons?.length ? (
              <div id="preview-buttons" style="display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.5rem">
                {kind.buttons.map((b) => (
                  <span class="btn secondary small" data-opens={b.opens} title={TEMPLATE_BUTTON_OPENS[b.opens]}>
                    {b.title}
                  </span>
                ))}
              </div>
            ) : null}
          </>
        ) : null}
      </section>
    </>
  );
}

const NameParam = z.object({ name: z.string().regex(/^[a-z_]{1,40}$/) });

function kindOrThrow(name: string): TemplateKind {
  const kind = templateKindOf(name);
  if (!kind) throw new AppError('not_found', 'Không có loại thông báo này.');
  return kind;
}

export function outreachPages(deps: OutreachPageDeps) {
  const formValues = (kind: TemplateKind): { values: TemplateFormValues; params: TemplateParam[] } => {
    const saved = deps.db.select().from(noticeTemplates).where(eq(noticeTemplates.name, kind.name)).get();
    const params = saved?.params ?? [];
    return {
      values: {
        templateId: saved?.templateId ?? deps.templates[kind.name] ?? '',
        status: saved?.status ?? 'approved',
        approvedOn: saved?.approvedOn ? fmtDate(saved.approvedOn) : '',
        body: saved?.body ?? '',
        params: params.map((p) => `${p.param} = ${p.source}`).join('\n'),
      },
      params,
    };
  };
  const preview = (kind: TemplateKind, body: string, params: TemplateParam[], code: string | undefined) => {
    const cadre = code
      ? deps.db.select({ id: cadres.id, code: cadres.code, fullName: cadres.fullName }).from(cadres).where(eq(cadres.code, code.trim())).get()
      : deps.db.select({ id: cadres.id, code: cadres.code, fullName: cadres.fullName }).from(cadres).orderBy(cadres.id).get();
    if (!cadre) return { cadreCode: code ?? '', cadreName: null, text: '' };
    const values = sampleValues(deps.db, cadre.id);
    const shown = params.length ? params : kind.sources.map((s) => ({ param: s.key, source: s.key }));
    return { cadreCode: cadre.code, cadreName: cadre.fullName, text: previewBody(body, shown, values) };
  };
  const saved: Flash = { kind: 'ok', text: 'Đã lưu mẫu. Thông báo mới dùng mẫu này ngay.' };

  return new Hono<StaffEnv>()
    .get('/quota', requirePermission('outreach', 'read'), (c) => page(c, deps.committeeName, 'Hạn mức tin mẫu Zalo', <QuotaPage deps={deps} now={deps.clock.now()} />))
    .get('/templates', requirePermission('outreach', 'manageTemplates'), (c) => page(c, deps.committeeName, 'Mẫu tin Zalo', <TemplatesPage deps={deps} />))
    .get(
      '/templates/:name',
      requirePermission('outreach', 'manageTemplates'),
      validate('param', NameParam),
      validate('query', z.object({ cadre: z.string().max(40).optional(), msg: z.literal('saved').optional() })),
      (c) => {
        const kind = kindOrThrow(c.req.valid('param').name);
        const { values, params } = formValues(kind);
        const q = c.req.valid('query');
        return page(
          c,
          deps.committeeName,
          `Mẫu tin: ${kind.label}`,
          <TemplateForm c={c} kind={kind} values={values} params={params} preview={preview(kind, values.body, params, q.cadre)} />,
          { flash: q.msg ? saved : null },
        );
      },
    )
    .post('/templates/:name', requirePermission('outreach', 'manageTemplates'), validate('param', NameParam), async (c) => {
      const kind = kindOrThrow(c.req.valid('param').name);
      const form = Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
      const values: TemplateFormValues = {
        templateId: form.templateId ?? '',
        status: form.status ?? '',
        approvedOn: form.approvedOn ?? '',
        body: form.body ?? '',
        params: form.params ?? '',
      };
      const fail = (text: string) =>
        page(c, deps.committeeName, `Mẫu tin: ${kind.label}`, <TemplateForm c={c} kind={kind} values={values} params={[]} preview={null} />, {
          flash: { kind: 'bad', text },
          status: 400,
        });
      const parsed = TemplateInput.safeParse(values);
      if (!parsed.success) return fail(parsed.error.issues[0]?.message ?? 'Dữ liệu không hợp lệ.');
      try {
        saveTemplate(deps.db, kind, parsed.data, currentStaff(c).id, deps.clock.now());
      } catch (err) {
        // A parameter line the domain refused: shown on the form, with what was typed kept.
        if (err instanceof AppError && err.code === 'validation_failed') return fail(err.message);
        throw err;
      }
      return c.redirect(`${TEMPLATES_PATH}/${kind.name}?msg=saved`, 303);
    });
}

