import { Hono } from 'hono';
import { campaignFigures } from '../../../domain/booking/campaignFigures';
import { getCampaign } from '../../../domain/booking/campaigns';
import { EXAMINED_DEFINITION, formatShare } from '../../../domain/reports/examined';
import { requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { page } from '../ui';
import { DataTable, StatSummary } from '../uiParts';

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

function ClinicFigures(props: { f: Figures }) {
  return (
    <DataTable
      columns={['Nơi khám', 'Đăng ký quản lý (thuộc diện)', 'Đã đặt', 'Đã khám', 'Tỷ lệ đã khám', 'Chỗ đã đặt / tổng chỗ']}
      rows={props.f.clinics}
      row={(x) => (
        <tr>
          <td data-label="Nơi khám">{x.clinicName}</td>
          <td data-label="Thuộc diện">{x.eligible}</td>
          <td data-label="Đã đặt">{x.booked}</td>
          <td data-label="Đã khám">{x.examined}</td>
          <td data-label="Tỷ lệ">{formatShare(x.shareExamined)}</td>
          <td data-label="Chỗ">
            {x.placesTaken} / {x.capacity}
          </td>
        </tr>
      )}
    />
  );
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
