import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { zaloUsers } from './zaloUsers';

export const proxyStatuses = ['pending', 'approved', 'rejected', 'revoked'] as const;
export type ProxyStatus = (typeof proxyStatuses)[number];

/** A family member or assistant acting for a cadre, once staff approved the cadre's consent. */
export const proxies = sqliteTable(
  'proxies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    zaloUserId: text('zalo_user_id')
      .notNull()
      .references(() => zaloUsers.id, { onDelete: 'cascade' }),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id, { onDelete: 'cascade' }),
    /** What the proxy said they are, e.g. "con gái", "thư ký". */
    relation: text('relation').notNull().default(''),
    proxyName: text('proxy_name').notNull().default(''),
    /** The phone the requester shared (Zalo's share button) or typed, for staff to call back before approving. */
    requesterPhone: text('requester_phone'),
    status: text('status', { enum: proxyStatuses }).notNull().default('pending'),
    requestedAt: integer('requested_at').notNull(),
    decidedAt: integer('decided_at'),
    decidedByStaffId: integer('decided_by_staff_id'),
    note: text('note'),
  },
  (t) => [uniqueIndex('proxies_user_cadre').on(t.zaloUserId, t.cadreId)],
);

export type Proxy = typeof proxies.$inferSelect;
