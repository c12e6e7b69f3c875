import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { buildDashboard, type Dashboard } from '../../domain/reports/dashboard';
import { formatIsoDate } from '../../domain/shared/dates';
import { broadcastStatusLabels } from '../../domain/reports/activityTables';
import { formatShare } from '../../domain/reports/examined';
import { may } from '../../domain/staff/permissions';
import { clinicScope, currentStaff, requirePermission, type StaffEnv, type StaffIdentity } from '../auth/session';
import { BarChart, chartCss } from './charts';
import { staffNav } from './layout';
import type { StaffDeps } from '../deps';
import { fmtDateTime, page } from './ui';


/** Whether the staff member's navigation offers this page (so the dashboard links only where they may go). */
const mayOpen = (staff: StaffIdentity, href: string) => staffNav.some((n) => n.href === href && may(staff.role, n.permission));

const css = `
.dash{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(340px,1fr))}
.dash .card{margin:0}
.dash h2{margin:0 0 .6rem;font-size:1.05rem;display:flex;justify-content:space-between;gap:.5rem;align-items:baseline}
.dash h2 a{font-size:.85rem;font-weight:400}
.stats .stat.bad b{color:var(--bad)}
.stats .stat.warn b{color:var(--warn)}
.stats .stat.ok b{color:var(--ok)}
.stat small{color:var(--muted);font-size:.8rem}
.progress{height:.55rem;border-radius:999px;background:#eef1f4;overflow:hidden;margin-top:.3rem}
.progress span{display:block;height:100%;background:var(--brand)}
ul.plain{list-style:none;margin:0;padding:0}
ul.plain li{padding:.45rem 0;border-bottom:1px solid var(--line)}
ul.plain li:last-child{border-bottom:0}
`;

function Panel(props: { title: string; link?: { href: string; text: string } | null; id: string; children: Child }) {
  return (
    <section class="card" id={props.id}>
      <h2>
        <span>{props.title}</span>
        {props.link ? <a href={props.link.href}>{props.link.text}</a> : null}
      </h2>
      {props.children}
    </section>
  );
}

function Stat(props: { label: string; value: string | number; tone?: 'ok' | 'warn' | 'bad'; sub?: string; id: string }) {
  return (
    <div class={`stat ${props.tone ?? ''}`} id={props.id}>
      <b>{typeof props.value === 'number' ? props.value.toLocaleString('vi-VN') : props.value}</b>
      {props.label}
      {props.sub ? (
        <>
          <br />
          <small>{props.sub}</small>
        </>
      ) : null}
    </div>
  );
}

type Link = (href: string, text: string) => { href: string; text: string } | null;

function RequestsPanel(props: { d: Dashboard; staff: StaffIdentity; link: Link }) {
  const { d, staff } = props;
  return (
    <Panel id="panel-requests" title="Yêu cầu đang mở theo thời hạn" link={props.link('/staff/requests', 'Danh sách →')}>
      <BarChart
        title="Yêu cầu đang mở theo thời hạn tiếp nhận"
        bars={[
          { label: 'Quá hạn tiếp nhận', value: d.requests.overdue, tone: 'bad' },
          { label: 'Đến hạn trong 1 giờ', value: d.requests.dueSoon, tone: 'warn' },
          { label: 'Còn hạn', value: d.requests.onTime, tone: 'ok' },
          { label: 'Đã tiếp nhận, đang xử lý', value: d.requests.acknowledged, tone: 'muted' },
        ]}
      />
      {d.requests.oldestOverdue.length ? (
        <ul class="plain small">
          {d.requests.oldestOverdue.map((r) => (
            <li>
              {mayOpen(staff, '/staff/requests') ? <a href={`/staff/requests/${r.id}`}>{r.ticket}</a> : r.ticket} · {r.type}
              {r.urgency === 'Gấp' ? <span class="badge bad"> Gấp</span> : null} · {r.clinicName ?? 'trực'} · hạn {fmtDateTime(r.ackDueAt)}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="small muted">Quá hạn trong tháng này: {d.requests.breachedThisMonth}</p>
    </Panel>
  );
}

function BroadcastsPanel(props: { d: Dashboard; staff: StaffIdentity; link: Link }) {
  const { d, staff } = props;
  return (
    <Panel id="panel-broadcasts" title="Thông báo chung đang chạy" link={props.link('/staff/broadcasts', 'Tất cả →')}>
      {d.broadcasts.length ? (
        <ul class="plain">
          {d.broadcasts.map((b) => {
            const pct = b.total ? Math.round((b.done / b.total) * 100) : 0;
            return (
              <li>
                {mayOpen(staff, '/staff/broadcasts') ? <a href={`/staff/broadcasts/${b.id}`}>{b.title}</a> : b.title}{' '}
                <span class={`badge ${b.status === 'running' ? 'ok' : b.status === 'paused' ? 'warn' : ''}`}>{broadcastStatusLabels[b.status] ?? b.status}</span>
                <div class="small muted">
                  {b.status === 'scheduled' ? `Bắt đầu ${fmtDateTime(b.startAt)}` : `${b.done.toLocaleString('vi-VN')}/${b.total.toLocaleString('vi-VN')} người nhận (${pct}%)`}
                </div>
                <div class="progress" aria-hidden="true">
                  <span style={`width:${pct}%`} />
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p class="muted">Không có thông báo nào đang gửi.</p>
      )}
    </Panel>
  );
}

function CampaignPanel(props: { d: Dashboard; link: Link }) {
  const { campaign } = props.d;
  if (!campaign) {
    return (
      <Panel id="panel-campaign" title="Đợt khám hiện tại">
        <p class="muted">Chưa có đợt khám nào.</p>
      </Panel>
    );
  }
  return (
    <Panel id="panel-campaign" title={`Tỷ lệ đã khám: ${campaign.name}`} link={props.link('/staff/reports', 'Báo cáo →') && { href: `/staff/reports?campaign=${campaign.id}`, text: 'Báo cáo →' }}>
      <BarChart
        title="Tỷ lệ đã khám theo phòng khám"
        max={1}
        bars={campaign.clinics.map((c) => ({ label: c.name, value: c.share ?? 0, text: `${formatShare(c.share)} (${c.examined}/${c.eligible})`, tone: (c.share ?? 0) >= 0.85 ? 'ok' : (c.share ?? 0) >= 0.5 ? 'warn' : 'bad' }))}
      />
    </Panel>
  );
}

function TopStats(props: { d: Dashboard }) {
  const { d } = props;
  const todayTotal = d.bookingsToday.reduce((s, c) => s + c.booked, 0);
  return (
    <div class="stats">
      <Stat id="stat-bookings" label="lượt khám hôm nay" value={todayTotal} />
      <Stat id="stat-requests" label="yêu cầu đang mở" value={d.requests.open} tone={d.requests.overdue ? 'bad' : undefined} sub={d.requests.overdue ? `${d.requests.overdue} quá hạn tiếp nhận` : 'không có yêu cầu quá hạn'} />
      <Stat id="stat-results" label="kết quả chờ công bố" value={d.resultsWaiting.total} tone={d.resultsWaiting.total ? 'warn' : undefined} />
      <Stat id="stat-broadcasts" label="thông báo đang gửi / chờ gửi" value={d.broadcasts.length} />
      {d.campaign ? <Stat id="stat-share" label="đã khám trong đợt hiện tại" value={formatShare(d.campaign.share)} tone="ok" sub={`${d.campaign.examined}/${d.campaign.eligible} cán bộ`} /> : null}
    </div>
  );
}

function DashboardBody(props: { d: Dashboard; staff: StaffIdentity }) {
  const { d, staff } = props;
  const link: Link = (href, text) => (mayOpen(staff, href) ? { href, text } : null);
  return (
    <>
      <style>{css + chartCss}</style>
      <p class="muted" style="margin-top:-.5rem">Hôm nay {formatIsoDate(d.today)}</p>
      <div id="live-dashboard" data-live-region="dashboard">
        <TopStats d={d} />
        <div class="dash">
          <Panel id="panel-bookings" title="Lịch khám hôm nay theo phòng khám" link={link('/staff/booking', 'Đợt khám →')}>
            <BarChart
              title="Lịch khám hôm nay theo phòng khám"
              bars={d.bookingsToday.map((c) => ({ label: c.clinicName, value: c.booked, text: c.attended ? `${c.booked} (đã đến ${c.attended})` : String(c.booked) }))}
            />
          </Panel>
          <RequestsPanel d={d} staff={staff} link={link} />
          <Panel id="panel-results" title="Kết quả chờ công bố" link={link('/staff/results', 'Công bố →')}>
            <BarChart title="Kết quả chờ công bố theo phòng khám" bars={d.resultsWaiting.byClinic.map((r) => ({ label: r.clinicName, value: r.n, tone: 'warn' }))} />
          </Panel>
          <BroadcastsPanel d={d} staff={staff} link={link} />
          <CampaignPanel d={d} link={link} />
        </div>
      </div>
    </>
  );
}

/** GET /staff: the home page for every role (clinic staff see their clinic only). */
export function dashboardPages(deps: Pick<StaffDeps, 'db' | 'clock' | 'committee'>) {
  return new Hono<StaffEnv>().get('/', requirePermission('dashboard', 'read'), (c) => {
    const staff = currentStaff(c);
    const scope = clinicScope(staff);
    const d = buildDashboard(deps.db, deps.clock.now(), scope);
    return page(c, deps.committee.name, 'Tổng quan', <DashboardBody d={d} staff={staff} />);
  });
}
