import { asc } from 'drizzle-orm';
import { Hono } from 'hono';
import type { z } from 'zod';
import { classificationFor, ClassificationQuery } from '../../../domain/results/classificationFigures';
import { mixColumns, type ClassKey } from '../../../domain/results/classificationMix';
import { unitsFor } from '../../../domain/registry/search';
import { campaigns } from '../../../store/schema';
import { currentStaff, requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { validate } from '../../validation';
import { FilterForm } from '../formFields';
import { FilterSelect, NamedSelect, page } from '../ui';
import { DataTable } from '../uiParts';
import { classLabel } from './shared';

type Figures = ReturnType<typeof classificationFor>;
type FigureRow = Figures['rows'][number] | Figures['total'];

const pct = (x: number) => `${(x * 100).toFixed(1).replace('.', ',')}%`;

function FigureTr(props: { label: string; r: FigureRow; columns: ClassKey[]; strong?: boolean }) {
  return (
    <tr style={props.strong ? 'font-weight:600' : ''}>
      <td data-label="Nhóm">{props.label}</td>
      <td data-label="Tổng">{props.r.total}</td>
      {props.columns.map((k) => (
        <td data-label={classLabel(k)}>
          {props.r.counts[k]} <span class="muted small">({pct(props.r.shares[k])})</span>
        </td>
      ))}
    </tr>
  );
}

/** Each campaign's total, then its units, then the grand total. */
function ClassificationTable(props: { figures: Figures; columns: ClassKey[] }) {
  const { figures, columns } = props;
  return (
    <DataTable
      id="classification"
      columns={['Đợt khám · Đơn vị', 'Tổng', ...columns.map(classLabel)]}
      rows={figures.byCampaign}
      row={(camp) => (
        <>
          <FigureTr label={camp.campaignName ?? 'Ngoài đợt'} r={camp} columns={columns} strong />
          {figures.rows
            .filter((r) => r.campaignId === camp.campaignId)
            .map((r) => (
              <FigureTr label={`— ${r.unit || '(chưa ghi đơn vị)'}`} r={r} columns={columns} />
            ))}
        </>
      )}
      total={<FigureTr label="Tổng cộng" r={figures.total} columns={columns} strong />}
    />
  );
}

function FiguresFilter(props: { q: z.infer<typeof ClassificationQuery>; campaigns: { id: number; name: string }[]; units: string[] }) {
  return (
    <FilterForm submit="Xem">
      <NamedSelect name="campaignId" label="Đợt khám" items={props.campaigns} selected={props.q.campaignId} empty="Tất cả" last={{ value: 'none', label: 'Ngoài đợt' }} />
      <FilterSelect name="unit" label="Đơn vị" options={props.units.map((u) => ({ value: u, label: u }))} selected={props.q.unit} />
    </FilterForm>
  );
}

/** How the released results divide into health classes, by campaign and unit. */
export function figureRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>().get('/figures', requirePermission('results', 'figures'), validate('query', ClassificationQuery), (c) => {
    const staff = currentStaff(c);
    const q = c.req.valid('query');
    const figures = classificationFor(deps, staff, q);
    const columns = mixColumns(deps.committee.classScheme, figures.total.counts);
    const campaignList = deps.db.select().from(campaigns).orderBy(asc(campaigns.startDate)).all();
    const body = (
      <>
        <FiguresFilter q={q} campaigns={campaignList} units={unitsFor(deps.db, staff)} />
        <p class="muted small">Tính trên các kết quả đã công bố (mỗi người một kết quả mỗi đợt; bản đính chính thay bản cũ). Số trong ngoặc là tỉ lệ.</p>
        <ClassificationTable figures={figures} columns={columns} />
        <p class="small">
          <a href={`/api/results/classification`}>Số liệu dạng JSON (API, cần mã truy cập)</a>
        </p>
      </>
    );
    return page(c, deps.committee.name, 'Phân loại sức khỏe', body);
  });
}
