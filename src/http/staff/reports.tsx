import { desc, eq } from 'drizzle-orm';
import type { Prices } from '../../domain/outreach/prices';
import { spendTable } from '../../domain/outreach/spend';
import type { ClassSchemeId } from '../../domain/results/classification';
import { z } from 'zod';
import { AppError } from '../../errors';
import { Hono } from 'hono';
import type { Clock } from '../../clock';
import { formatIsoDate } from '../../domain/shared/dates';
import { buildReport, type Report } from '../../domain/reports/reports';
import { campaignSummary, campaignSummaryWorkbook, summaryFileName } from '../../domain/reports/campaignSummary';
import { SummaryDocument } from './reportSummary';
import { formatShare } from '../../domain/reports/examined';
import type { Cell, ReportTable } from '../../domain/reports/reportTable';
import { reportFileName, reportWorkbook } from '../../domain/reports/reportWorkbook';
import { ReportQuery } from '../../domain/reports/selection';
import { recordAudit } from '../../store/audit';
import type { Db } from '../../store/db';
import { campaigns } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate, XLSX_TYPE } from '../validation';
import { BarChart, chartCss } from './charts';
import { staffActor } from '../../domain/staff/actor';
import { DateInput, NamedSelect, page } from './ui';
import { type Column, RowsTable } from './uiParts';

export interface ReportPagesDeps {
  db: Db;
  clock: Clock;
  committeeName: string;
  /** The health classification scheme the classification mix lists (HEALTH_CLASS_SCHEME); Loại I–V when absent. */
  classScheme?: ClassSchemeId;
  /** The organisation's kind and the body it reports to (COMMITTEE_KIND, COMMITTEE_PARENT), for report headers. */
  organisation?: { kind: 'ban' | 'trung_tam' | 'khoa'; parent: string };
  /** Message prices: with them the page shows the monthly spend. */
  prices?: Prices;
}

/** Committee-level figures: every role but clinic staff (who see only their own clinic elsewhere). */


/** A cell's text: a share as a percentage, a date dd/mm/yyyy, a count with Vietnamese digit groups. */
function cellText(value: Cell, percent: boolean, date: boolean) {
  if (percent) return formatShare(typeof value === 'number' ? value : null);
  if (date && typeof value === 'string') return formatIsoDate(value);
  if (value === null) return '';
  return typeof value === 'number' ? value.toLocaleString('vi-VN') : value;
}

/** The table's columns, numbers and shares aligned right. */
function reportColumns(t: ReportTable): Column<Cell[]>[] {
  return t.headers.map((label, i) => {
    const percent = t.percentColumns.includes(i);
    const date = t.dateColumns?.includes(i) ?? false;
    return { label, cell: (r) => cellText(r[i] ?? null, percent, date), class: (r) => (percent || typeof r[i] === 'number' ? 'num' : undefined) };
  });
}

function Table(props: { t: ReportTable }) {
  const t = props.t;
  return (
    <section class="card report" id={`bang-${t.key}`} data-table={t.key}>
      <h2 style="margin-top:0">{t.title}</h2>
      {t.rows.length ? (
        <RowsTable columns={reportColumns(t)} rows={t.rows} />
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
/** The first line of a report file's heading: the body it reports to, then the committee's own name. */
const headingName = (deps: ReportPagesDeps) => (deps.organisation?.parent ? `${deps.organisation.parent} – ${deps.committeeName}` : deps.committeeName);

/** The campaign or the period, and the ways to take the report away (Excel, the printable summary). */
function ReportFilter(props: { report: Report; campaigns: { id: number; name: string }[]; query: string }) {
  const { report } = props;
  return (
    <form class="card report-filter" method="get" action="/staff/reports">
      <NamedSelect name="campaign" label="Đợt khám" items={props.campaigns} selected={report.campaign?.id} empty="— Theo khoảng thời gian —" wide />
      <div>
        <label for="from">Từ ngày</label>
        <DateInput name="from" value={report.campaign ? '' : report.from} />
      </div>
      <div>
        <label for="to">Đến ngày</label>
        <DateInput name="to" value={report.campaign ? '' : report.to} />
      </div>
      <div class="actions">
        <button class="btn" type="submit">
          Xem
        </button>
        <a class="btn secondary" id="download-xlsx" href={`/staff/reports/xlsx?${props.query}`}>
          Tải Excel
        </a>
        {report.campaign ? (
          <a class="btn secondary" id="summary-link" href={`/staff/reports/summary?campaign=${report.campaign.id}`}>
            Báo cáo tóm tắt (in)
          </a>
        ) : null}
      </div>
    </form>
  );
}

export function reportPages(deps: ReportPagesDeps) {
  const app = new Hono<StaffEnv>();
  /** The report with the monthly spend on messages as its last table, when prices are configured: page and file alike. */
  const withSpend = (report: Report): Report =>
    deps.prices ? { ...report, tables: [...report.tables, spendTable(deps.db, report.from, report.to, deps.prices)] } : report;
  app.use(requirePermission('reports', 'read'));

  app.get('/', validate('query', ReportQuery), (c) => {
    const q = c.req.valid('query');
    const report = withSpend(buildReport(deps.db, q, deps.clock.now(), deps.classScheme));
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
        <ReportFilter report={report} campaigns={all} query={params.toString()} />
        <Charts report={report} />
        <div style="height:1rem" />
        {report.tables.map((t) => (
          <Table t={t} />
        ))}
      </>,
    );
  });

  const SummaryQuery = z.object({ campaign: z.coerce.number().int().positive() });
  const summaryOr404 = (id: number) => {
    if (!deps.db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id)).get()) throw new AppError('not_found', 'Không tìm thấy đợt khám.');
    return campaignSummary(deps.db, id, deps.clock.now(), deps.classScheme);
  };

  app.get('/summary', validate('query', SummaryQuery), (c) => {
    const s = summaryOr404(c.req.valid('query').campaign);
    return c.html('<!doctype html>' + (<SummaryDocument s={s} committeeName={deps.committeeName} organisation={deps.organisation} />));
  });

  app.get('/summary.xlsx', validate('query', SummaryQuery), async (c) => {
    const s = summaryOr404(c.req.valid('query').campaign);
    const body = await campaignSummaryWorkbook(s, headingName(deps));
    recordAudit(deps.db, staffActor(currentStaff(c)), { action: 'report.export', entity: 'report', entityId: `summary-${s.campaign.id}`, detail: { format: 'xlsx' } }, deps.clock.now());
    return c.body(new Uint8Array(body), 200, { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="${summaryFileName(s)}"` });
  });

  app.get('/xlsx', validate('query', ReportQuery), async (c) => {
    const staff = currentStaff(c);
    const now = deps.clock.now();
    const report = withSpend(buildReport(deps.db, c.req.valid('query'), now, deps.classScheme));
    const body = await reportWorkbook(report, headingName(deps));
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
