import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { formatPhone, telHref } from '../../domain/shared/phone';
import { fieldProblemsIn, problemText } from '../../domain/shared/validationText';
import { currentCampaign } from '../../domain/booking/campaigns';
import { AppError } from '../../errors';
import type { DbOrTx } from '../../store/db';
import type { StaffEnv } from '../auth/session';
import { SelectField } from './formFields';
import { BarePage, CsrfField, Layout, type Flash } from './layout';

export type StaffContext = Context<StaffEnv>;

const dateTimeFmt = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant shown in Vietnam time: 05/09/2025 14:30. */
export const fmtDateTime = (ms: number | null | undefined) => {
  if (!ms) return '';
  const p = Object.fromEntries(dateTimeFmt.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
};
/** A stored YYYY-MM-DD date as dd/mm/yyyy. */
export const fmtDate = (iso: string | null | undefined) =>
  iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : (iso ?? '');

/**
 * A date input that reads and shows dd/mm/yyyy whatever the browser's locale: a text field with a pattern, parsed
 * on the server by vietnameseDateField (src/domain/shared/dates.ts). `value` is a stored YYYY-MM-DD (or what was typed).
 */
export function DateInput(props: { name: string; id?: string; value?: string | null; required?: boolean; label?: string }) {
  return (
    <input
      id={props.id ?? props.name}
      type="text"
      name={props.name}
      inputmode="numeric"
      autocomplete="off"
      pattern="\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
      placeholder="dd/mm/yyyy"
      title="Ngày/tháng/năm, ví dụ 05/03/2026"
      value={fmtDate(props.value)}
      required={props.required}
      aria-label={props.label}
      class="date"
    />
  );
}

/** Renders a page in the staff layout for the logged-in staff member. */
export function page(
  c: StaffContext,
  committeeName: string,
  title: string,
  body: Child,
  opts: { flash?: Flash | null; status?: ContentfulStatusCode } = {},
) {
  const staff = c.get('staff');
  if (!staff) throw new AppError('unauthorized', 'Vui lòng đăng nhập.');
  return c.html(
    <Layout title={title} staff={staff} csrfToken={c.get('csrfToken')} path={c.req.path} committeeName={committeeName} flash={opts.flash}>
      {body}
    </Layout>,
    opts.status ?? 200,
  );
}

type Query = Record<string, string | number | undefined>;

/** `?a=1&b=2` from the query, dropping empty values, with `changes` applied. */
export function withQuery(query: Query, changes: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...changes })) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '?';
}

const count = new Intl.NumberFormat('vi-VN');
/** 1200 -> "1.200" */
export const fmtCount = (n: number) => count.format(n);

/** Links to pages 1..n keeping the other query parameters. */
function Pager(props: { page: number; pages: number; query: Query }) {
  if (props.pages <= 1) return null;
  const href = (p: number) => withQuery(props.query, { page: p });
  const shown = [...new Set([1, props.page - 2, props.page - 1, props.page, props.page + 1, props.page + 2, props.pages])]
    .filter((p) => p >= 1 && p <= props.pages)
    .sort((a, b) => a - b);
  return (
    <nav class="pager" aria-label="Trang">
      {props.page > 1 ? <a href={href(props.page - 1)} rel="prev">‹ Trước</a> : null}
      {shown.map((p) => (p === props.page ? <span class="current">{p}</span> : <a href={href(p)}>{p}</a>))}
      {props.page < props.pages ? <a href={href(props.page + 1)} rel="next">Sau ›</a> : null}
    </nav>
  );
}

/** "51–100 trên 1.200 kết quả": which rows of the whole list this page shows. */
export function ListCount(props: { window: { from: number; to: number; total: number }; noun: string }) {
  const w = props.window;
  return (
    <span class="muted list-count">
      {w.total === 0 ? `0 ${props.noun}` : `${fmtCount(w.from)}–${fmtCount(w.to)} trên ${fmtCount(w.total)} ${props.noun}`}
    </span>
  );
}

/** The page links under a list, with the count again so the last page says where it ends. */
export function ListPager(props: { window: { page: number; pages: number; from: number; to: number; total: number }; query: Query; noun: string }) {
  return (
    <div class="actions list-pager">
      <ListCount window={props.window} noun={props.noun} />
      <Pager page={props.window.page} pages={props.window.pages} query={props.query} />
    </div>
  );
}

/**
 * A column heading that sorts the list: the first click sorts ascending, the next descending; the arrow shows
 * the current order. Paging restarts at 1.
 */
export function SortTh(props: { label: string; column: string; query: Query & { sort?: string; dir?: string }; defaultSort?: { sort: string; dir: 'asc' | 'desc' } }) {
  const current = props.query.sort || props.defaultSort?.sort;
  const dir = props.query.dir || (props.query.sort ? 'asc' : props.defaultSort?.dir) || 'asc';
  const active = current === props.column;
  const next = active && dir === 'asc' ? 'desc' : 'asc';
  return (
    <th aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a class="sort" href={withQuery(props.query, { sort: props.column, dir: next, page: undefined })}>
        {props.label}
        {active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </a>
    </th>
  );
}

const errorTitles: Partial<Record<AppError['code'], string>> = {
  unauthorized: 'Cần đăng nhập',
  forbidden: 'Không có quyền',
  not_found: 'Không tìm thấy',
  conflict: 'Không thực hiện được',
  validation_failed: 'Dữ liệu chưa hợp lệ',
  bad_request: 'Yêu cầu chưa hợp lệ',
  payload_too_large: 'Tệp quá lớn',
  rate_limited: 'Vui lòng chờ',
};

/** A friendly Vietnamese error page, inside the layout when someone is logged in. */
export function errorPage(c: StaffContext, committeeName: string, err: AppError) {
  const title = errorTitles[err.code] ?? 'Có lỗi xảy ra';
  // A form is posted to the address of its page (an import, an edit): going back there shows the form again.
  const backHref = c.req.method === 'POST' ? c.req.path : '/staff';
  const details = fieldProblemsIn(err.details);
  const body = (
    <div class="card">
      <p>{err.message}</p>
      {details.length ? (
        <ul class="small muted">
          {details.map((d) => (
            <li>{problemText(d)}</li>
          ))}
        </ul>
      ) : null}
      <p class="actions">
        {backHref === '/staff' ? null : (
          <a class="btn secondary" href={backHref}>
            ← Quay lại
          </a>
        )}
        <a class="btn secondary" href="/staff">
          Trang chính
        </a>
      </p>
    </div>
  );
  if (c.get('staff')) return page(c, committeeName, title, body, { status: err.status });
  // Only a missing login sends to the login form; any other problem is named and offers a way back.
  const onlyLogin = err.code === 'unauthorized';
  return c.html(
    <BarePage title={title}>
      <div class="card login">
        <h1>{title}</h1>
        <p>{err.message}</p>
        <p class="actions">
          {onlyLogin ? null : (
            <a class="btn secondary" href={backHref}>
              ← Quay lại
            </a>
          )}
          <a class={onlyLogin ? 'btn' : 'btn secondary'} href="/staff/login">
            Đăng nhập
          </a>
        </p>
      </div>
    </BarePage>,
    err.status,
  );
}

/** One button that posts to an action (a delete, a revoke…); the action itself asks to confirm where it destroys. */
export function PostButton(props: { action: string; token: string; label: string; class?: string }) {
  return (
    <form method="post" class="inline" action={props.action}>
      <CsrfField token={props.token} />
      <button class={props.class ?? 'btn small'} type="submit">
        {props.label}
      </button>
    </form>
  );
}

/** A table row that says the table is empty. */
export function EmptyRow(props: { colspan: number; children: string }) {
  return (
    <tr>
      <td colspan={props.colspan} class="muted">
        {props.children}
      </td>
    </tr>
  );
}

/** A filter drop-down whose first choice is "Tất cả" (no filter). */
export function FilterSelect(props: { name: string; label: string; options: { value: string; label: string }[]; selected?: string }) {
  return <SelectField {...props} empty="Tất cả" />;
}

/** The per-row problems of an import file, as a table (the first 500). */
export function ProblemTable(props: { problems: { row: number; column?: string | null; message: string }[] }) {
  const shown = props.problems.slice(0, 500);
  return (
    <>
      <h2 id="loi">Các lỗi cần sửa trong tệp</h2>
      <div class="table-wrap">
        <table class="responsive" id="import-errors">
          <thead>
            <tr>
              <th>Dòng</th>
              <th>Cột</th>
              <th>Lỗi</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((p) => (
              <tr class="err">
                <td data-label="Dòng">{p.row}</td>
                <td data-label="Cột">{p.column || '—'}</td>
                <td data-label="Lỗi">{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.problems.length > shown.length ? (
        <p class="small muted">… và {props.problems.length - shown.length} lỗi khác. Sửa các lỗi trên rồi kiểm tra lại.</p>
      ) : null}
    </>
  );
}

/** Links that switch a list between statuses; the current one is highlighted. */
export function StatusTabs(props: { href: (status: string) => string; current: string; tabs: readonly (readonly [string, string])[] }) {
  return (
    <>
      {props.tabs.map(([status, label]) => (
        <a class={`btn small ${status === props.current ? '' : 'secondary'}`} href={props.href(status)}>
          {label}
        </a>
      ))}
    </>
  );
}

/** A stored phone shown the Vietnamese way (0912 345 678) as a `tel:` link; a dash when there is none. */
export function PhoneLink(props: { phone: string | null | undefined; empty?: string }) {
  if (!props.phone) return <>{props.empty ?? '—'}</>;
  return (
    <a href={telHref(props.phone)} class="tel">
      {formatPhone(props.phone)}
    </a>
  );
}

type Named = { id: number; name: string };

/**
 * A labelled drop-down of campaigns or clinics that posts the chosen id. `empty` is a first choice without a value
 * ("Tất cả", "Ngoài đợt"…); `last` is one more choice after the list (e.g. "none": outside any campaign); `note`
 * adds a word after a name, such as the cadre's own clinic.
 */
export function NamedSelect(props: {
  name: string;
  /** The element id when it is not the name. */
  id?: string;
  label: string;
  items: readonly Named[];
  selected?: number | string | null;
  empty?: string;
  last?: { value: string; label: string };
  note?: (item: Named) => string;
  wide?: boolean;
  disabled?: boolean;
}) {
  return (
    <div class={props.wide ? 'wide' : undefined}>
      <label for={props.id ?? props.name}>{props.label}</label>
      <select id={props.id ?? props.name} name={props.name} disabled={props.disabled}>
        {props.empty === undefined ? null : <option value="">{props.empty}</option>}
        {props.items.map((item) => (
          <option value={String(item.id)} selected={props.selected === item.id}>
            {item.name}
            {props.note?.(item) ?? ''}
          </option>
        ))}
        {props.last ? (
          <option value={props.last.value} selected={props.selected === props.last.value}>
            {props.last.label}
          </option>
        ) : null}
      </select>
    </div>
  );
}

/** " · Đợt khác: A, B": links to the same list for other campaigns, after a list's counts. */
export function OtherCampaignLinks(props: { campaigns: readonly Named[]; href: (id: number) => string }) {
  if (!props.campaigns.length) return null;
  return (
    <>
      {' '}
      · Đợt khác:{' '}
      {props.campaigns.map((k, i) => (
        <>
          {i ? ', ' : ''}
          <a href={props.href(k.id)}>{k.name}</a>
        </>
      ))}
    </>
  );
}

/** The first step of an import: pick a spreadsheet; the page checks every row before anything is written. */
export function FileCheckForm(props: { action: string; csrfToken: string; maxMb: number; children: Child }) {
  return (
    <form method="post" action={props.action} enctype="multipart/form-data" class="card">
      <CsrfField token={props.csrfToken} />
      <p style="margin-top:0">{props.children}</p>
      <div class="actions">
        <input type="file" name="file" accept=".xlsx,.csv" required />
        <button class="btn" type="submit">
          Kiểm tra tệp
        </button>
      </div>
      <p class="small muted">Dung lượng tối đa {props.maxMb} MB.</p>
    </form>
  );
}

/**
 * The notices a page shows after a redirect with `?msg=`: each a text (a success) or a whole flash; an unknown or
 * missing `msg` shows none.
 */
export function okNotices(texts: Record<string, string | Flash>): (msg: string | undefined) => Flash | null {
  const notices = new Map(Object.entries(texts).map(([msg, t]) => [msg, typeof t === 'string' ? { kind: 'ok' as const, text: t } : t]));
  return (msg) => (msg === undefined ? null : (notices.get(msg) ?? null));
}

/** A campaign's list opened without naming a campaign: the current campaign's list, or a note that there is none. */
export function currentCampaignPage(deps: { db: DbOrTx; committee: { name: string } }, c: StaffContext, title: string, show: (campaignId: number) => Response | Promise<Response>) {
  const target = currentCampaign(deps.db);
  if (!target) return page(c, deps.committee.name, title, <p class="muted">Chưa có đợt khám nào.</p>);
  return show(target.id);
}
