import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';

export const linkRequestStatuses = ['pending', 'approved', 'rejected'] as const;
export type LinkRequestStatus = (typeof linkRequestStatuses)[number];

/**
 * A Zalo account that shared the phone of a cadre already linked to another account. The link is not moved
 * on a shared phone alone (recycled SIMs, stale registry phones): staff check and approve or refuse, and the
 * current account is told. Proving the registry email (the emailed code) links without this.
 */
export const linkRequests = sqliteTable(
  'link_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The account asking for the link. */
    zaloUserId: text('zalo_user_id').notNull(),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    /** The phone Zalo shared, E.164 digits without '+'. */
    phone: text('phone').notNull(),
    /** The account linked when the request was made. */
    currentZaloUserId: text('current_zalo_user_id').notNull(),
    status: text('status', { enum: linkRequestStatuses }).notNull().default('pending'),
    requestedAt: integer('requested_at').notNull(),
    decidedAt: integer('decided_at'),
    decidedByStaffId: integer('decided_by_staff_id'),
    note: text('note'),
  },
  (t) => [index('link_requests_status').on(t.status, t.requestedAt), index('link_requests_cadre').on(t.cadreId)],
);

export type LinkRequest = typeof linkRequests.$inferSelect;
