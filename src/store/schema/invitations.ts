import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cadres } from './cadres';
import { campaigns } from './campaigns';
import { staffUsers } from './staff';

/**
 * A campaign invitation sent by phone (template message) to a registry cadre with no linked Zalo account.
 * What happened next (delivered, opened the chat, linked, booked) is read from notice_sends, zalo_links and
 * bookings, so it is never stored twice.
 */
export const invitations = sqliteTable(
  'invitations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    cadreId: integer('cadre_id')
      .notNull()
      .references(() => cadres.id),
    /** 84… form, as invited. */
    phone: text('phone').notNull(),
    outboxId: integer('outbox_id').notNull(),
    invitedAt: integer('invited_at').notNull(),
    invitedByStaffId: integer('invited_by_staff_id').references(() => staffUsers.id),
  },
  (t) => [uniqueIndex('invitations_campaign_cadre').on(t.campaignId, t.cadreId), index('invitations_phone').on(t.phone)],
);

export type Invitation = typeof invitations.$inferSelect;
