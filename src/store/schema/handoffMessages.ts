import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Chat texts exchanged while a conversation with staff is open: inbound and outbound, the last few per user
 * only (older ones are deleted as new ones arrive). Results, birth dates and codes are kept as placeholders.
 */
export const handoffMessages = sqliteTable(
  'handoff_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    zaloUserId: text('zalo_user_id').notNull(),
    /** 'in' from the user, 'bot' from the assistant, 'staff' from a person. */
    direction: text('direction', { enum: ['in', 'bot', 'staff'] }).notNull(),
    text: text('text').notNull(),
    staffId: integer('staff_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('handoff_messages_user').on(t.zaloUserId, t.id)],
);

export type HandoffMessage = typeof handoffMessages.$inferSelect;
