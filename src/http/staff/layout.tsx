import type { Child } from 'hono/jsx';
import { roleLabels } from '../../domain/staff/staff';
import { may, type Capability, type Permission } from '../../domain/staff/permissions';
import { CSRF_FIELD, type StaffIdentity } from '../auth/session';
import { HtmlDocument } from '../htmlDocument';

/**
 * The menu's groups, in the order shown. A group with one entry a role may open is shown as a plain link; `top`
 * entries are always plain links (the pages used all day).
 */
const navGroups = {
  top: '',
  care: 'Khám & kết quả',
  people: 'Cán bộ',
  outreach: 'Thông báo',
  reports: 'Báo cáo',
  admin: 'Quản trị',
  /** Shown in the phone menu only: on a wide screen the header carries it. */
  account: '',
} as const;
export type NavGroup = keyof typeof navGroups;

/** Where an entry goes when it names no group: by the capability of its permission in the permissions table. */
const groupOfCapability: Partial<Record<Capability, NavGroup>> = {
  dashboard: 'top',
  requests: 'top',
  account: 'account',
  registry: 'people',
  proxies: 'people',
  booking: 'care',
  callList: 'care',
  results: 'care',
  followUps: 'care',
  broadcasts: 'outreach',
  outreach: 'outreach',
  faq: 'outreach',
  cannedReplies: 'outreach',
  reports: 'reports',
  staffAccounts: 'admin',
  audit: 'admin',
  oaConnection: 'admin',
  queues: 'admin',
  failedEvents: 'admin',
};

/** One entry of the staff navigation, declared by its feature (StaffFeature.nav). */
export interface NavItem {
  href: string;
  label: string;
  /** The permission (from the one permissions table) needed to see the entry. */
  permission: Permission;
  /** Lower comes first. */
  order?: number;
  /** The menu group; by default the one of the permission's capability. */
  group?: NavGroup;
  /** A live count shown beside the label (kept up to date by the page's event stream). */
  liveCount?: string;
}

/** The navigation, filled from the staff features' `nav` entries when the app is built (http/features.ts). */
export const staffNav: NavItem[] = [];

/** Adds (or replaces, by href) a navigation entry. */
export function addStaffNavItem(item: NavItem): void {
  const i = staffNav.findIndex((n) => n.href === item.href);
  if (i >= 0) staffNav[i] = item;
  else staffNav.push(item);
}

const navGroupOf = (item: NavItem): NavGroup =>
  item.group ?? (item.permission[1] === 'figures' ? 'reports' : (groupOfCapability[item.permission[0]] ?? 'admin'));

const css = `
:root{--bg:#f4f6f8;--card:#fff;--ink:#1d2733;--muted:#5c6b7a;--line:#dde3ea;--brand:#0b6e4f;--brand-2:#e7f4ef;--warn:#a15c00;--warn-bg:#fff4e0;--bad:#b42318;--bad-bg:#fdecea;--ok:#067647;--ok-bg:#e6f6ec;--radius:10px}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;background:var(--bg);color:var(--ink)}
a{color:var(--brand)}
header.top{background:var(--brand);color:#fff}
header.top .bar{max-width:1200px;margin:0 auto;padding:.6rem 1rem;display:flex;align-items:center;gap:1rem;flex-wrap:wrap}
header.top .brand{font-weight:700;font-size:1.05rem;color:#fff;text-decoration:none;margin-right:auto}
header.top .brand small{display:block;font-weight:400;opacity:.85;font-size:.8rem}
header.top .who{font-size:.9rem;opacity:.95}
header.top form{margin:0}
header.top button{white-space:nowrap;background:transparent;border:1px solid rgba(255,255,255,.6);color:#fff;padding:.3rem .7rem;border-radius:6px;cursor:pointer;font:inherit;font-size:.9rem}
nav.main{background:#fff;border-bottom:1px solid var(--line);position:relative;z-index:20}
nav.main .menu{list-style:none;margin:0 auto;padding:0 1rem;max-width:1200px;display:flex;gap:.1rem;flex-wrap:wrap}
nav.main ul{list-style:none;margin:0;padding:0}
nav.main a,nav.main summary{display:block;padding:.7rem .75rem;text-decoration:none;color:var(--muted);border-bottom:3px solid transparent;white-space:nowrap;cursor:pointer}
nav.main summary{list-style:none}
nav.main summary::-webkit-details-marker{display:none}
nav.main summary::after{content:"";display:inline-block;margin-left:.35rem;border:4px solid transparent;border-top-color:currentColor;vertical-align:-.1rem}
nav.main a.active,nav.main summary.active{color:var(--brand);border-bottom-color:var(--brand);font-weight:600}
nav.main details{position:relative}
nav.main details>ul{position:absolute;left:0;top:100%;min-width:15rem;background:#fff;border:1px solid var(--line);border-radius:0 0 8px 8px;box-shadow:0 8px 20px rgba(16,24,40,.12);padding:.3rem 0}
nav.main details>ul a{border-bottom:0;border-left:3px solid transparent;padding:.55rem .9rem}
nav.main details>ul a.active{border-left-color:var(--brand);background:var(--brand-2)}
nav.main .count{display:inline-block;min-width:1.35rem;margin-left:.3rem;padding:0 .35rem;border-radius:999px;background:var(--bad);color:#fff;font-size:.75rem;font-weight:700;text-align:center;line-height:1.35rem}
nav.main .count[hidden]{display:none}
nav.main label.nav-open .count{margin-left:0}
#nav-toggle{position:absolute;opacity:0;pointer-events:none}
nav.main label.nav-open{display:none}
nav.main li.phone-only{display:none}
main{max-width:1200px;margin:0 auto;padding:1.25rem 1rem 3rem}
h1{font-size:1.45rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .6rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:1rem 1.1rem;margin-bottom:1rem}
.muted{color:var(--muted)}
.small{font-size:.875rem}
.flash{padding:.75rem 1rem;border-radius:var(--radius);margin-bottom:1rem;border:1px solid}
.flash.ok{background:var(--ok-bg);border-color:#a6e0bd;color:var(--ok)}
.flash.bad{background:var(--bad-bg);border-color:#f5b5ad;color:var(--bad)}
.flash.warn{background:var(--warn-bg);border-color:#f3cf8f;color:var(--warn)}
.secret{font:600 1.1rem ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#fff;border:1px dashed var(--ok);padding:.3rem .6rem;border-radius:6px;user-select:all;word-break:break-all}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:.55rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted);background:#fafbfc}
tbody tr:hover{background:#fafcfb}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:var(--radius)}
.table-wrap table{border:0}
form.inline{display:inline}
label{display:block;font-size:.875rem;color:var(--muted);margin-bottom:.2rem}
input[type=text],input[type=password],input[type=email],input[type=search],input[type=number],select,textarea{width:100%;padding:.55rem .65rem;border:1px solid #c5ced8;border-radius:8px;font:inherit;background:#fff;color:var(--ink)}
input:focus,select:focus,textarea:focus{outline:2px solid #8fd3b9;border-color:var(--brand)}
input[type=file]{font:inherit;max-width:100%}
.grid{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));align-items:end}
.grid .wide{grid-column:span 2}
.btn,button.btn{display:inline-block;background:var(--brand);color:#fff;border:1px solid var(--brand);padding:.5rem .95rem;border-radius:8px;font:inherit;font-weight:600;text-decoration:none;cursor:pointer;line-height:1.3}
.btn.secondary{background:#fff;color:var(--brand)}
.btn.danger{background:var(--bad);border-color:var(--bad)}
.btn.small{padding:.3rem .6rem;font-size:.875rem;font-weight:500}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;font-size:.78rem;font-weight:600;background:#eef1f4;color:var(--muted);white-space:nowrap}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
.badge.warn{background:var(--warn-bg);color:var(--warn)}
.badge.bad{background:var(--bad-bg);color:var(--bad)}
dl.kv{display:grid;grid-template-columns:fit-content(45%) minmax(0,1fr);gap:.35rem 1rem;margin:0}
dl.kv dt{color:var(--muted);min-width:0;overflow-wrap:anywhere}
dl.kv dd{margin:0;min-width:0;overflow-wrap:anywhere}
.pager{display:flex;gap:.4rem;align-items:center;margin-top:.8rem;flex-wrap:wrap}
.pager a,.pager span{padding:.3rem .65rem;border:1px solid var(--line);border-radius:6px;background:#fff;text-decoration:none}
.pager .current{background:var(--brand);color:#fff;border-color:var(--brand)}
.list-pager{justify-content:space-between;margin:.6rem 0}
.list-pager .pager{margin-top:0}
th a.sort{color:inherit;text-decoration:none;white-space:nowrap}
.stats{display:flex;gap:.75rem;flex-wrap:wrap;margin-bottom:1rem}
.stat{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:.6rem .9rem;min-width:8rem}
.stat b{display:block;font-size:1.35rem}
.login-wrap{min-height:100vh;display:flex;align-items:center;justify-content:center;padding:1rem}
.login{width:100%;max-width:380px}
.login .logo{font-weight:700;color:var(--brand);font-size:1.2rem;margin-bottom:.2rem}
.login .field{margin-bottom:.8rem}
.login .btn{width:100%;padding:.7rem}
tr.err td{background:#fffafa}
tr.urgent td:first-child{box-shadow:inset 4px 0 0 var(--bad)}
tr.live-new td{animation:live-new 4s ease-out}
@keyframes live-new{from{background:#e7f4ef}to{background:transparent}}
tr.live-urgent td{background:var(--bad-bg)}
tr.live-urgent td:first-child{box-shadow:inset 4px 0 0 var(--bad)}
@media (max-width:640px){
  main{padding:1rem .75rem 2rem}
  .grid{grid-template-columns:1fr 1fr}
  .grid .wide{grid-column:span 2}
  table.responsive thead{display:none}
  table.responsive tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
  table.responsive td{display:flex;gap:.6rem;border:0;padding:.2rem .6rem;text-align:left}
  table.responsive td::before{content:attr(data-label);flex:0 0 38%;color:var(--muted);font-size:.8rem;white-space:normal}
  header.top .who{display:none}
  nav.main label.nav-open{display:flex;align-items:center;gap:.5rem;margin:0;padding:.65rem .9rem;font-size:1rem;color:var(--ink);font-weight:600;cursor:pointer}
  nav.main .menu{display:none;flex-direction:column;padding:0 0 .4rem;gap:0}
  nav.main li.phone-only{display:block;border-top:1px solid var(--line)}
  #nav-toggle:checked~.menu{display:flex}
  #nav-toggle:focus-visible+label{outline:2px solid #8fd3b9}
  nav.main a,nav.main summary{border-bottom:0;border-left:3px solid transparent;padding:.65rem .9rem}
  nav.main a.active,nav.main summary.active{border-left-color:var(--brand)}
  nav.main details>ul{position:static;box-shadow:none;border:0;border-radius:0;padding:0 0 0 .9rem;min-width:0}
  header.top .bar{flex-wrap:nowrap}
  header.top .brand{min-width:0}
  header.top .brand small{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
  .stat{min-width:0;flex:1 1 28%;padding:.5rem .7rem}
  h1{font-size:1.3rem}
}
`;

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

export interface Flash {
  kind: 'ok' | 'bad' | 'warn';
  text: Child;
}

function FlashBox(props: { flash?: Flash | null }) {
  if (!props.flash) return null;
  return (
    <div class={`flash ${props.flash.kind}`} role={props.flash.kind === 'bad' ? 'alert' : 'status'}>
      {props.flash.text}
    </div>
  );
}

/** A staff page's document: the staff styles and script. */
function Document(props: { title: string; children: Child; live?: boolean }) {
  return (
    <HtmlDocument title={`${props.title} · CadreCare`} css={css} script live={props.live}>
      {props.children}
    </HtmlDocument>
  );
}

function NavLink(props: { item: NavItem; active: string | undefined }) {
  const n = props.item;
  return (
    <a href={n.href} class={n.href === props.active ? 'active' : ''} aria-current={n.href === props.active ? 'page' : undefined}>
      {n.label}
      {n.liveCount ? <span class="count" data-live-count={n.liveCount} hidden></span> : null}
    </a>
  );
}

export interface LayoutProps {
  title: string;
  staff: StaffIdentity;
  csrfToken: string;
  /** The current path, to highlight the nav entry. */
  path: string;
  committeeName: string;
  flash?: Flash | null;
  children: Child;
}

/** The staff page frame: header with the committee and the user, the navigation, the content. */
export function Layout(props: LayoutProps) {
  const items = staffNav
    .filter((n) => may(props.staff.role, n.permission))
    .sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
  // The longest matching href is the active one (/staff/registry/import over /staff/registry).
  const active = items
    .filter((n) => props.path === n.href || props.path.startsWith(n.href + '/'))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  const activeItem = items.find((n) => n.href === active);
  const groups = (Object.keys(navGroups) as NavGroup[])
    .map((group) => ({ group, items: items.filter((n) => navGroupOf(n) === group) }))
    .filter((g) => g.items.length > 0);
  return (
    <Document title={props.title} live>
      <header class="top">
        <div class="bar">
          <a class="brand" href="/staff">
            CadreCare
            <small>{props.committeeName}</small>
          </a>
          <span class="who">
            {props.staff.fullName} · {roleLabels[props.staff.role]} · <a href="/staff/account/password" style="color:#fff">Đổi mật khẩu</a>
          </span>
          {may(props.staff.role, ['requests', 'read']) ? (
            <button type="button" id="sound-toggle" class="sound" hidden aria-pressed="true">
              Âm báo: bật
            </button>
          ) : null}
          <form method="post" action="/staff/logout">
            <CsrfField token={props.csrfToken} />
            <button type="submit">Đăng xuất</button>
          </form>
        </div>
      </header>
      <nav class="main" aria-label="Điều hướng">
        <input type="checkbox" id="nav-toggle" aria-label="Mở danh mục" />
        <label class="nav-open" for="nav-toggle">
          ☰ Danh mục<span class="count" data-live-count="total" hidden></span>
          {activeItem ? <span class="muted small"> · {activeItem.label}</span> : null}
        </label>
        <ul class="menu">
          {groups.map((g) =>
            g.group === 'top' || g.group === 'account' || g.items.length === 1 ? (
              g.items.map((n) => (
                <li class={g.group === 'account' ? 'phone-only' : undefined}>
                  <NavLink item={n} active={active} />
                </li>
              ))
            ) : (
              <li>
                <details class="navgroup">
                  <summary class={g.items.some((n) => n.href === active) ? 'active' : ''}>{navGroups[g.group]}</summary>
                  <ul>
                    {g.items.map((n) => (
                      <li>
                        <NavLink item={n} active={active} />
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            ),
          )}
        </ul>
      </nav>
      <main>
        <h1>{props.title}</h1>
        <FlashBox flash={props.flash} />
        {props.children}
      </main>
    </Document>
  );
}

/** A page without the navigation (login, errors before login). */
export function BarePage(props: { title: string; children: Child }) {
  return (
    <Document title={props.title}>
      <div class="login-wrap">{props.children}</div>
    </Document>
  );
}
