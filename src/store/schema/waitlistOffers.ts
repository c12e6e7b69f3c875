import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { examSlots } from './examSlots';
import { waitlistEntries } from './waitlist';

export const waitlistOfferStatuses = ['open', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
export type WaitlistOfferStatus = (typeof waitlistOfferStatuses)[number];

/**
 * A freed place offered to one waiting cadre. While `open` the offer holds the place (counted in the slot's
 * `booked`), so nobody else can take it; accepting turns the hold into a booking, declining or expiring
 * gives it back and the place passes to the next in line.
 */
export const waitlistOffers = sqliteTable(
  'waitlist_offers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entryId: integer('entry_id')
      .notNull()
      .references(() => waitlistEntries.id, { onDelete: 'cascade' }),
    slotId: integer('slot_id')
      .notNull()
      .references(() => examSlots.id),
    status: text('status', { enum: waitlistOfferStatuses }).notNull().default('open'),
    /** When the offer message goes out (after quiet hours), and until when it may be accepted. */
    offeredAt: integer('offered_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    answeredAt: integer('answered_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('waitlist_offers_entry').on(t.entryId, t.status), index('waitlist_offers_slot').on(t.slotId, t.status)],
);
export type WaitlistOffer = typeof waitlistOffers.$inferSelect;
