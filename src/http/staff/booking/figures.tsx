import { Hono } from 'hono';
import { campaignFigures } from '../../../domain/booking/campaignFigures';
import { getCampaign } from '../../../domain/booking/campaigns';
import { EXAMINED_DEFINITION, formatShare } from '../../../domain/reports/examined';
import { requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { page } from '../ui';
import { type Column, RowsTable, StatSummary } from '../uiParts';

type Figures = ReturnType<typeof campaignFigures>;

function FigureStats(props: { f: Figures }) {
  const { f } = props;
  return (
    <StatSummary
      stats={[
        { value: f.eligible, label: 'thuộc diện khám' },
        { value: f.booked, label: `đã đặt lịch (${formatShare(f.shareBooked)})` },
        { value: f.examined, label: 'đã khám', id: 'stat-examined' },
        { value: formatShare(f.shareExamined), label: 'tỷ lệ đã khám', id: 'stat-share' },
        { value: f.noShow, label: 'vắng' },
      ]}
    />
  );
}

const clinicColumns: Column<Figures['clinics'][number]>[] = [
  { label: 'Nơi khám', cell: (x) => x.clinicName },
  { label: 'Thuộc diện', heading: 'Đăng ký quản lý (thuộc diện)', cell: (x) => x.eligible },
  { label: 'Đã đặt', cell: (x) => x.booked },
  { label: 'Đã khám', cell: (x) => x.examined },
  { label: 'Tỷ lệ', heading: 'Tỷ lệ đã khám', cell: (x) => formatShare(x.shareExamined) },
  { label: 'Chỗ', heading: 'Chỗ đã đặt / tổng chỗ', cell: (x) => `${x.placesTaken} / ${x.capacity}` },
];

function ClinicFigures(props: { f: Figures }) {
  return <RowsTable columns={clinicColumns} rows={props.f.clinics} />;
}

/** A campaign's figures: eligible, booked, examined (by clinic), with the JSON beside them. */
export function figureRoutes(deps: StaffDeps) {
  return new Hono<StaffEnv>().get('/:id{[0-9]+}/figures', requirePermission('booking', 'figures'), validate('param', IdParam), (c) => {
    const { id } = c.req.valid('param');
    const k = getCampaign(deps.db, id);
    const f = campaignFigures(deps.db, id, deps.clock.now());
    const body = (
      <>
        <p>
          <a class="btn secondary small" href={`/staff/booking/${id}`}>
            ← {k.name}
          </a>{' '}
          <a class="btn secondary small" href={`/api/campaigns/${id}/figures`}>
            JSON
          </a>
        </p>
        <FigureStats f={f} />
        <ClinicFigures f={f} />
        <p class="small muted">{EXAMINED_DEFINITION}</p>
      </>
    );
    return page(c, deps.committee.name, `Số liệu: ${k.name}`, body);
  });
}
