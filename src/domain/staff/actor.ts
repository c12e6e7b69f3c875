import type { AuditActor } from '../../store/audit';
import type { StaffRole } from '../../store/schema';
import { may, type Action, type Capability, type Permission } from './permissions';

/** Who is acting on the staff side: pages, API and domain all take this one shape. */
export interface StaffIdentity {
  id: number;
  username: string;
  fullName: string;
  role: StaffRole;
  /** For clinic_staff: the only clinic whose cadres they see. */
  clinicId: number | null;
}

/** What a domain rule needs of the acting staff member: who acts, and the role and clinic that scope them. */
export type ActingStaff = Pick<StaffIdentity, 'id' | 'role' | 'clinicId'>;

/** True when the staff member's role may do capability/action (false when not logged in). */
export function allowed<C extends Capability>(staff: Pick<StaffIdentity, 'role'> | null, capability: C, action: Action<C>): boolean {
  return may(staff?.role, [capability, action] as unknown as Permission);
}

/** A clinic_staff member sees only their clinic's cadres: the clinic id to filter by, or null for everyone. */
export const clinicScope = (staff: Pick<StaffIdentity, 'role' | 'clinicId'>): number | null =>
  staff.role === 'clinic_staff' ? (staff.clinicId ?? -1) : null;

/** The audit actor of a staff member (a whole identity or just the id). */
export const staffActor = (staff: Pick<StaffIdentity, 'id'> | number): AuditActor => ({
  type: 'staff',
  id: String(typeof staff === 'number' ? staff : staff.id),
});

/** The staff member behind an actor, for the columns that record who did it (null for a Zalo user or the system). */
export const staffIdOf = (actor: AuditActor): number | null => (actor.type === 'staff' ? Number(actor.id) : null);

/** The audit actor of whoever opens a request's acknowledge link mailed to a staff member (staff id 0: a clinic address). */
export const ackLinkActor = (staffId: number): AuditActor => ({ type: 'system', id: `ack-link:${staffId}` });

/** The staff id an acknowledge link was mailed to (0 for a clinic address), or null when the actor is not such a link. */
export function ackLinkStaffIdOf(actor: AuditActor): number | null {
  const link = /^ack-link:(\d+)$/.exec(actor.id);
  return actor.type === 'system' && link ? Number(link[1]) : null;
}

/** The audit actor of a Zalo user (a cadre or a proxy in chat). */
export const zaloActor = (zaloUserId: string): AuditActor => ({ type: 'zalo', id: zaloUserId });
