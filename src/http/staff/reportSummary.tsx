import type { CampaignSummary } from '../../domain/reports/campaignSummary';
import { EXAMINED_DEFINITION, formatShare } from '../../domain/reports/examined';
import { formatIsoDate } from '../../domain/shared/dates';

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

type Organisation = { kind: 'ban' | 'trung_tam' | 'khoa'; parent: string };

/** A table of the campaign's figures by one grouping (clinic or unit). */
function SummaryGroup(props: { title: string; first: string; rows: CampaignSummary['clinics'] }) {
  return (
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
}

/** The heading of an administrative report: the issuing body on the left, the national or Party motto and the date on the right. */
function SummaryHead(props: { asOf: string; committeeName: string; organisation?: Organisation }) {
  const [y, m, d] = props.asOf.split('-');
  return (
    <div class="head">
      <div>
        {props.organisation?.parent ? <div class="up" id="summary-parent">{props.organisation.parent.toUpperCase()}</div> : null}
        <div class="up b" id="summary-committee">{props.committeeName.toUpperCase()}</div>
        <div class="rule" />
        <div>Số: ....../BC</div>
      </div>
      <div>
        {/* A Ban under the Party committee heads its papers as a Party body; a Trung tâm or Khoa as a state one. */}
        {(props.organisation?.kind ?? 'ban') === 'ban' ? (
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
  );
}

function SummaryTotals(props: { t: CampaignSummary['totals'] }) {
  const { t } = props;
  return (
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
  );
}

function ClassTable(props: { rows: CampaignSummary['classes'] }) {
  return (
    <>
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
          {props.rows.map((r) => (
            <tr>
              <td>{String(r[0])}</td>
              <td class="n">{String(r[1])}</td>
              <td class="n">{formatShare(typeof r[2] === 'number' ? r[2] : null)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Signatures() {
  return (
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
  );
}

/** The printable one-page campaign report (A4), as its own document without the staff layout. */
export function SummaryDocument(props: { s: CampaignSummary; committeeName: string; organisation?: Organisation }) {
  const { s } = props;
  return (
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
          <SummaryHead asOf={s.asOf} committeeName={props.committeeName} organisation={props.organisation} />
          <h1>BÁO CÁO</h1>
          <h2 id="summary-title">Kết quả {s.campaign.name}</h2>
          <p class="c i">
            (Từ ngày {formatIsoDate(s.campaign.startDate)} đến ngày {formatIsoDate(s.campaign.endDate)}; số liệu đến ngày {formatIsoDate(s.asOf)})
          </p>
          <h3>1. Kết quả chung</h3>
          <SummaryTotals t={s.totals} />
          <SummaryGroup title="2. Theo phòng khám" first="Phòng khám" rows={s.clinics} />
          <SummaryGroup title="3. Theo đơn vị" first="Đơn vị" rows={s.units} />
          <ClassTable rows={s.classes} />
          <p class="small i">{EXAMINED_DEFINITION}</p>
          <Signatures />
        </div>
      </body>
    </html>
  );
}
