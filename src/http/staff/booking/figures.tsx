import { Hono } from 'hono';
import { campaignFigures } from '../../../domain/booking/campaignFigures';
import { getCampaign } from '../../../domain/booking/campaigns';
import { EXAMINED_DEFINITION, formatShare } from '../../../domain/reports/examined';
import { requirePermission, type StaffEnv } from '../../auth/session';
import type { StaffDeps } from '../../deps';
import { IdParam, validate } from '../../validation';
import { page } from '../ui';

type Figures = ReturnType<typeof campaignFigures>;

function FigureStats(props: { f: Figures }) {
  const { f } = props;
  return (
    <div class="stats">
      <div class="stat">
        <b>{f.eligible}</b>thuộc diện khám
      </div>
      <div class="stat">
        <b>{f.booked}</b>đã đặt lịch ({formatShare(f.shareBooked)})
      </div>
      <div class="stat" id="stat-examined">
        <b>{f.examined}</b>đã khám
      </div>
      <div class="stat" id="stat-share">
        <b>{formatShare(f.shareExamined)}</b>tỷ lệ đã khám
      </div>
      <div class="stat">
        <b>{f.noShow}</b>vắng
      </div>
    </div>
  );
}

function ClinicFigures(props: { f: Figures }) {
  return (
    <div class="table-wrap">
      <table class="responsive">
        <thead>
          <tr>
            <th>Nơi khám</th>
            <th>Đăng ký quản lý (thuộc diện)</th>
            <th>Đã đặt</th>
            <th>Đã khám</th>
            <th>Tỷ lệ đã khám</th>
            <th>Chỗ đã đặt / tổng chỗ</th>
          </tr>
        </thead>
        <tbody>
          {props.f.clinics.map((x) => (
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
          ))}
        </tbody>
      </table>
    </div>
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
