import { desc } from 'drizzle-orm';
import { Hono } from 'hono';
import type { Clock } from '../../clock';
import { formatIsoDate } from '../../domain/dates';
import { buildReport, formatShare, reportFileName, reportWorkbook, ReportQuery, type Report, type ReportTable } from '../../domain/reports';
import { recordAudit } from '../../store/audit';
import type { Db } from '../../store/db';
import { campaigns } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate, XLSX_TYPE } from '../validation';
import { BarChart, chartCss } from './charts';
import { addStaffNavItem } from './layout';
import { staffActor } from './services';
import { page } from './ui';

export interface ReportPagesDeps {
  db: Db;
  clock: Clock;
  committeeName: string;
}

/** Committee-level figures: every role but clinic staff (who see only their own clinic elsewhere). */
addStaffNavItem({ href: '/staff/reports', label: 'Báo cáo', permission: ['reports', 'read'], order: 60 });


function Cell(props: { value: string | number | null; percent: boolean; date: boolean }) {
  if (props.percent) return <td class="num">{formatShare(typeof props.value === 'number' ? props.value : null)}</td>;
  if (props.date && typeof props.value === 'string') return <td>{formatIsoDate(props.value)}</td>;
  if (props.value === null) return <td></td>;
  return typeof props.value === 'number' ? <td class="num">{props.value.toLocaleString('vi-VN')}</td> : <td>{props.value}</td>;
}

function Table(props: { t: ReportTable }) {
  const t = props.t;
  return (
    <section class="card report" id={`bang-${t.key}`} data-table={t.key}>
      <h2 style="margin-top:0">{t.title}</h2>
      {t.rows.length ? (
        <div class="table-wrap">
          <table class="responsive">
            <thead>
              <tr>
                {t.headers.map((h) => (
                  <th>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {t.rows.map((r) => (
                <tr>
                  {r.map((v, i) => (
                    <Cell value={v} percent={t.percentColumns.includes(i)} date={t.dateColumns?.includes(i) ?? false} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">Không có số liệu trong kỳ.</p>
      )}
      {t.note ? <p class="small muted">{t.note}</p> : null}
    </section>
  );
}

function Charts(props: { report: Report }) {
  const byKey = Object.fromEntries(props.report.tables.map((t) => [t.key, t])) as Record<ReportTable['key'], ReportTable>;
  const multi = props.report.campaignsCovered.length > 1;
  const clinicBars = byKey.clinics.rows.map((r) => ({
    label: multi ? `${r[1]} (${r[0]})` : String(r[1]),
    value: Number(r[4] ?? 0),
    text: formatShare(r[4] === null ? null : Number(r[4])),
  }));
  const classBars = byKey.classes.rows.map((r, i) => ({
    label: String(r[0]),
    value: Number(r[1]),
    tone: (['ok', 'ok', 'warn', 'bad', 'bad', 'muted'] as const)[i] ?? 'muted',
  }));
  return (
    <div class="chart-grid">
      <div class="card">
        <h2 style="margin-top:0">Tỷ lệ đã khám theo phòng khám</h2>
        <BarChart title="Tỷ lệ đã khám theo phòng khám" bars={clinicBars} max={1} />
      </div>
      <div class="card">
        <h2 style="margin-top:0">Phân loại sức khỏe</h2>
        <BarChart title="Phân loại sức khỏe" bars={classBars} />
      </div>
    </div>
  );
}

const extraCss = `
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.chart-grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(320px,1fr))}
.chart-grid .card{margin-bottom:0}
.report-filter{display:grid;gap:.75rem;grid-template-columns:2fr 1fr 1fr auto;align-items:end}
@media (max-width:640px){.report-filter{grid-template-columns:1fr 1fr}.report-filter .wide{grid-column:span 2}}
section.report table.responsive td.num{justify-content:flex-start}
`;

/** /staff/reports: the page and its xlsx file, both from `buildReport`. */
export function reportPages(deps: ReportPagesDeps) {
  const app = new Hono<StaffEnv>();
  app.use(requirePermission('reports', 'read'));

  app.get('/', validate('query', ReportQuery), (c) => {
    const q = c.req.valid('query');
    const report = buildReport(deps.db, q, deps.clock.now());
    const all = deps.db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).orderBy(desc(campaigns.startDate)).all();
    const params = new URLSearchParams();
    if (report.campaign) params.set('campaign', String(report.campaign.id));
    else {
      params.set('from', report.from);
      params.set('to', report.to);
    }
    return page(
      c,
      deps.committeeName,
      report.title,
      <>
        <style>{extraCss + chartCss}</style>
        <form class="card report-filter" method="get" action="/staff/reports">
          <div class="wide">
            <label for="campaign">Đợt khám</label>
            <select id="campaign" name="campaign">
              <option value="">— Theo khoảng thời gian —</option>
              {all.map((x) => (
                <option value={String(x.id)} selected={report.campaign?.id === x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="from">Từ ngày</label>
            <input id="from" type="date" name="from" value={report.campaign ? '' : report.from} />
          </div>
          <div>
            <label for="to">Đến ngày</label>
            <input id="to" type="date" name="to" value={report.campaign ? '' : report.to} />
          </div>
          <div class="actions">
            <button class="btn" type="submit">
              Xem
            </button>
            <a class="btn secondary" id="download-xlsx" href={`/staff/reports/xlsx?${params.toString()}`}>
              Tải Excel
            </a>
          </div>
        </form>
        <Charts report={report} />
        <div style="height:1rem" />
        {report.tables.map((t) => (
          <Table t={t} />
        ))}
      </>,
    );
  });

  app.get('/xlsx', validate('query', ReportQuery), async (c) => {
    const staff = currentStaff(c);
    const now = deps.clock.now();
    const report = buildReport(deps.db, c.req.valid('query'), now);
    const body = await reportWorkbook(report, deps.committeeName);
    recordAudit(
      deps.db,
      staffActor(staff),
      { action: 'report.export', entity: 'report', entityId: report.campaign ? `campaign-${report.campaign.id}` : `${report.from}..${report.to}`, detail: { format: 'xlsx' } },
      now,
    );
    const name = reportFileName(report, deps.db);
    return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="${name}"` });
  });
  return app;
}
