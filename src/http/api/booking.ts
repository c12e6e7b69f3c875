import { Hono } from 'hono';
import { z } from 'zod';
import { AttendanceInput, dayBookings, markAttendance } from '../../domain/booking/dayBookings';
import { campaignDays, createSlots, daySlots, setSlotCapacity } from '../../domain/booking/slots';
import { campaignFigures } from '../../domain/booking/campaignFigures';
import { CampaignInput, createCampaign, getCampaign, listCampaigns, setCampaignStatus, SlotsInput } from '../../domain/booking/campaigns';
import { campaignStatuses } from '../../store/schema';
import type { ApiEnv } from '../auth/apiToken';
import { clinicScope, currentStaff, requirePermission } from '../auth/session';
import { dayExportHandlers } from '../dayExport';
import { checkClinic, DayQuery } from '../../domain/booking/dayList';
import { staffActor } from '../../domain/staff/actor';
import type { StaffDeps } from '../deps';
import { validate, IdParam } from '../validation';

/** /api/campaigns and /api/bookings, behind the staff API's bearer authentication. */
export function bookingApiRoutes(deps: StaffDeps) {
  return new Hono<ApiEnv>()
    .get('/campaigns', requirePermission('booking', 'read'), (c) => c.json({ items: listCampaigns(deps.db) }))
    .post('/campaigns', requirePermission('booking', 'manageCampaigns'), validate('json', CampaignInput), (c) => {
      const s = currentStaff(c);
      const campaign = createCampaign(deps.db, staffActor(s), c.req.valid('json'), s.id, deps.clock.now());
      deps.afterCommit();
      return c.json({ campaign: getCampaign(deps.db, campaign.id) }, 201);
    })
    .get('/campaigns/:id{[0-9]+}', requirePermission('booking', 'read'), validate('param', IdParam), (c) => {
      const { id } = c.req.valid('param');
      return c.json({ campaign: getCampaign(deps.db, id), days: campaignDays(deps.db, id, clinicScope(currentStaff(c))) });
    })
    .post(
      '/campaigns/:id{[0-9]+}/status',
      requirePermission('booking', 'manageCampaigns'),
      validate('param', IdParam),
      validate('json', z.object({ status: z.enum(campaignStatuses) })),
      (c) => {
        const campaign = setCampaignStatus(deps.db, staffActor(currentStaff(c)), c.req.valid('param').id, c.req.valid('json').status, deps.clock.now());
        deps.afterCommit();
        return c.json({ campaign });
      },
    )
    .post('/campaigns/:id{[0-9]+}/slots', requirePermission('booking', 'manageSlots'), validate('param', IdParam), validate('json', SlotsInput), (c) => {
      const s = currentStaff(c);
      const input = c.req.valid('json');
      for (const clinicId of input.clinicIds) checkClinic(s, clinicId);
      return c.json(createSlots(deps.db, staffActor(s), c.req.valid('param').id, input, deps.clock.now()), 201);
    })
    .put(
      '/slots/:id{[0-9]+}/capacity',
      requirePermission('booking', 'manageSlots'),
      validate('param', IdParam),
      validate('json', z.object({ capacity: z.number().int().min(0).max(1000) })),
      (c) => {
        const s = currentStaff(c);
        setSlotCapacity(deps.db, staffActor(s), c.req.valid('param').id, c.req.valid('json').capacity, clinicScope(s), deps.clock.now());
        return c.json({ ok: true });
      },
    )
    .get('/campaigns/:id{[0-9]+}/bookings', requirePermission('booking', 'readDayList'), validate('param', IdParam), validate('query', DayQuery), (c) => {
      const { id } = c.req.valid('param');
      const { clinicId, date } = c.req.valid('query');
      checkClinic(currentStaff(c), clinicId);
      getCampaign(deps.db, id);
      return c.json({ slots: daySlots(deps.db, id, clinicId, date), items: dayBookings(deps.db, id, clinicId, date) });
    })
    .get('/campaigns/:id{[0-9]+}/bookings/export', ...dayExportHandlers(deps, 'csv'))
    .post('/bookings/:id{[0-9]+}/attendance', requirePermission('booking', 'attendance'), validate('param', IdParam), validate('json', AttendanceInput), (c) => {
      const s = currentStaff(c);
      const booking = markAttendance(deps.db, staffActor(s), s.id, c.req.valid('param').id, c.req.valid('json').status, clinicScope(s), deps.clock.now());
      return c.json({ booking });
    })
    .get('/campaigns/:id{[0-9]+}/figures', requirePermission('booking', 'figures'), validate('param', IdParam), (c) =>
      c.json(campaignFigures(deps.db, c.req.valid('param').id, deps.clock.now())),
    );
}
