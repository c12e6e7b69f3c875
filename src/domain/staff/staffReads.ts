import { recordAudit } from '../../store/audit';
import { staffActor } from './actor';
import type { DbOrTx } from '../../store/db';

/** What kind of named health data a staff member read. */
export const healthReads = {
  /** A cadre's health class (registry list or detail). */
  healthClass: { action: 'cadre.health_read', entity: 'cadre' },
  /** A request's details: symptoms, address, notes, timeline. */
  request: { action: 'request.read', entity: 'care_request' },
  /** A conversation with staff (its transcript). */
  transcript: { action: 'conversation.read', entity: 'handoff' },
} as const;

/**
 * Records that staff read a named person's health data, as result reads are recorded: ids only, never the
 * data. `where` says which page or endpoint showed it.
 */
export function auditHealthRead(db: DbOrTx, staffId: number, kind: keyof typeof healthReads, ids: number[], now: number, where: string): void {
  if (!ids.length) return;
  const { action, entity } = healthReads[kind];
  recordAudit(
    db,
    staffActor(staffId),
    ids.length === 1 ? { action, entity, entityId: ids[0], detail: { where } } : { action, entity, detail: { where, ids: ids.slice(0, 500), count: ids.length } },
    now,
  );
}
