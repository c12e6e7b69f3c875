import { createFactory } from 'hono/factory';
import { DayQuery, dayExport } from '../domain/booking/dayList';
import { currentStaff, requirePermission } from './auth/session';
import type { StaffDeps } from './deps';
import { FileFormatQuery, sendFile } from './download';
import { IdParam, validate } from './validation';

/**
 * A clinic's day list as a csv or xlsx file, for the day page's buttons and for the API alike: the permission,
 * the checks and the audit are the same; only the format taken when the query names none differs.
 */
export function dayExportHandlers(deps: StaffDeps, fallback: 'csv' | 'xlsx') {
  return createFactory().createHandlers(
    requirePermission('booking', 'exportDay'),
    validate('param', IdParam),
    validate('query', DayQuery.extend(FileFormatQuery(fallback).shape)),
    async (c) => {
      const q = c.req.valid('query');
      return sendFile(c, await dayExport(deps.db, currentStaff(c), c.req.valid('param').id, q.clinicId, q.date, q.format, deps.clock.now()));
    },
  );
}
