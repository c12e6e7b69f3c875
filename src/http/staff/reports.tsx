import { desc, eq } from 'drizzle-orm';
import type { Prices } from '../../domain/outreach/prices';
import { spendTable } from '../../domain/outreach/spend';
import type { ClassSchemeId } from '../../domain/results/classification';
import { z } from 'zod';
import { EXAMINED_DEFINITION } from '../../domain/reports/examined';
import { AppError } from '../../errors';
import { Hono } from 'hono';
import type { Clock } from '../../clock';
import { formatIsoDate } from '../../domain/shared/dates';
import { buildReport, type Report } from '../../domain/reports/reports';
import { campaignSummary, campaignSummaryWorkbook, summaryFileName } from '../../domain/reports/campaignSummary';
import { formatShare } from '../../domain/reports/examined';
import type { ReportTable } from '../../domain/reports/reportTable';
import { reportFileName, reportWorkbook } from '../../domain/reports/reportWorkbook';
import { ReportQuery } from '../../domain/reports/selection';
import { recordAudit } from '../../store/audit';
import type { Db } from '../../store/db';
import { campaigns } from '../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate, XLSX_TYPE } from '../validation';
import { BarChart, chartCss } from './charts';
import { staffActor } from '../../domain/staff/actor';
import { DateInput, page } from './ui';

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

const summaryCss = `
body{font-family:"Times New Roman",Times,serif;font-size:13pt;margin:0;background:#eee;color:#000}
.sheet{background:#fff;max-width:210mm;margin:1rem auto;padding:18mm 16mm 18mm 24mm;box-sizing:border-box}
.head{display:grid;grid-template-columns:1fr 1.3fr;gap:1rem;text-align:center;font-size:12pt}
.up{text-transform:uppercase;font-weight:bold}.b{font-weight:bold}.i{font-style:italic}.c{text-align:center}.small{font-size:11pt}
.rule{width:40%;margin:.2rem auto .4rem;border-top:1px solid #000}
h1{text-align:center;font-size:15pt;margin:1.2rem 0 0}h2{text-align:center;font-size:13pt;margin:.2rem 0}h3{font-size:13pt;margin:.9rem 0 .3rem}
table.doc{border-collapse:collapse;width:100%;font-size:12pt}table.doc th,table.doc td{border:1px solid #000;padding:2px 6px}
td.n{text-align:right}td.c{text-align:center}
.sign{display:grid;grid-template-columns:1fr 1fr;text-align:center;margin-top:1.5rem;min-height:35mm}
.noprint{max-width:210mm;margin:.5rem auto;font-family:system-ui,sans-serif}
@media (max-width:640px){.sheet{padding:6mm}.head{grid-template-columns:1fr}}
@media print{body{background:#fff}.noprint{display:none}.sheet{margin:0;padding:0;max-width:none}@page{size:A4;margin:18mm 15mm 18mm 25mm}}
`;

/** /staff/reports: the page and its xlsx file, both from `buildReport`. */
/** The first line of a report file's heading: the body it reports to, then the committee's own name. */
const headingName = (deps: ReportPagesDeps) => (deps.organisation?.parent ? `${deps.organisation.parent} – ${deps.committeeName}` : deps.committeeName);

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
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
            <a class="btn secondary" id="download-xlsx" href={`/staff/reports/xlsx?${params.toString()}`}>
              Tải Excel
            </a>
            {report.campaign ? (
              <a class="btn secondary" id="summary-link" href={`/staff/reports/summary?campaign=${report.campaign.id}`}>
                Báo cáo tóm tắt (in)
              </a>
            ) : null}
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

  const SummaryQuery = z.object({ campaign: z.coerce.number().int().positive() });
  const summaryOr404 = (id: number) => {
    if (!deps.db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.id, id)).get()) throw new AppError('not_found', 'Không tìm thấy đợt khám.');
    return campaignSummary(deps.db, id, deps.clock.now(), deps.classScheme);
  };

  // eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
  app.get('/summary', validate('query', SummaryQuery), (c) => {
    const s = summaryOr404(c.req.valid('query').campaign);
    const [y, m, d] = s.asOf.split('-');
    const t = s.totals;
    const Group = (props: { title: string; first: string; rows: typeof s.clinics }) => (
      <>
        <h3>{props.title}</h3>
        <table class="doc">
          <thead>
            <tr>
              <th>TT</th>
              <th>{props.first}</th>
              <th>Thuộc diện</th>
              <th>Đã đặt lịch</th>
              <th>Đã khám</th>
              <th>Vắng</th>
              <th>Tỷ lệ</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((g, i) => (
              <tr>
                <td class="c">{i + 1}</td>
                <td>{g.key}</td>
                <td class="n">{g.eligible}</td>
                <td class="n">{g.booked}</td>
                <td class="n">{g.examined}</td>
                <td class="n">{g.noShow}</td>
                <td class="n">{formatShare(g.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>
    );
    return c.html(
      '<!doctype html>' +
        (
          <html lang="vi">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>{`Báo cáo ${s.campaign.name}`}</title>
              <style>{summaryCss}</style>
            </head>
            <body>
              <p class="noprint">
                <a href={`/staff/reports?campaign=${s.campaign.id}`}>← Báo cáo</a> · <a href={`/staff/reports/summary.xlsx?campaign=${s.campaign.id}`}>Tải Excel</a> ·{' '}
                <button onclick="window.print()">In</button>
              </p>
              <div class="sheet">
                <div class="head">
                  <div>
                    {deps.organisation?.parent ? <div class="up" id="summary-parent">{deps.organisation.parent.toUpperCase()}</div> : null}
                    <div class="up b" id="summary-committee">{deps.committeeName.toUpperCase()}</div>
                    <div class="rule" />
                    <div>Số: ....../BC</div>
                  </div>
                  <div>
                    {/* A Ban under the Party committee heads its papers as a Party body; a Trung tâm or Khoa as a state one. */}
                    {(deps.organisation?.kind ?? 'ban') === 'ban' ? (
                      <div class="up b">ĐẢNG CỘNG SẢN VIỆT NAM</div>
                    ) : (
                      <>
                        <div class="up">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
                        <div class="b">Độc lập - Tự do - Hạnh phúc</div>
                      </>
                    )}
                    <div class="rule" />
                    <div class="i">
                      ngày {d} tháng {m} năm {y}
                    </div>
                  </div>
                </div>
                <h1>BÁO CÁO</h1>
                <h2 id="summary-title">Kết quả {s.campaign.name}</h2>
                <p class="c i">
                  (Từ ngày {formatIsoDate(s.campaign.startDate)} đến ngày {formatIsoDate(s.campaign.endDate)}; số liệu đến ngày {formatIsoDate(s.asOf)})
                </p>
                <h3>1. Kết quả chung</h3>
                <ul id="summary-totals">
                  <li>
                    Số cán bộ thuộc diện khám: <b data-k="eligible">{t.eligible}</b> người; đã đặt lịch hoặc đã khám: <b data-k="booked">{t.booked}</b> người.
                  </li>
                  <li>
                    Đã khám: <b data-k="examined">{t.examined}</b> người, đạt <b data-k="share">{formatShare(t.share)}</b>.
                  </li>
                  <li>
                    Vắng không đến khám: <b data-k="noShow">{t.noShow}</b> người; khám tại nhà (có yêu cầu trong đợt): <b data-k="homeExams">{t.homeExams}</b> người.
                  </li>
                </ul>
                <Group title="2. Theo phòng khám" first="Phòng khám" rows={s.clinics} />
                <Group title="3. Theo đơn vị" first="Đơn vị" rows={s.units} />
                <h3>4. Phân loại sức khỏe</h3>
                <table class="doc">
                  <thead>
                    <tr>
                      <th>Phân loại</th>
                      <th>Số người</th>
                      <th>Tỷ lệ</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.classes.map((r) => (
                      <tr>
                        <td>{String(r[0])}</td>
                        <td class="n">{String(r[1])}</td>
                        <td class="n">{formatShare(typeof r[2] === 'number' ? r[2] : null)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p class="small i">{EXAMINED_DEFINITION}</p>
                <div class="sign">
                  <div>
                    <div class="b">NGƯỜI LẬP BIỂU</div>
                    <div class="i">(Ký, ghi rõ họ tên)</div>
                  </div>
                  <div>
                    <div class="b">THỦ TRƯỞNG ĐƠN VỊ</div>
                    <div class="i">(Ký tên, đóng dấu)</div>
                  </div>
                </div>
              </div>
            </body>
          </html>
        ),
    );
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
