import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A photo, file, voice note, ... a user sent in chat: where Zalo keeps it (https), never its content. */
export interface ChatAttachment {
  /** Zalo's attachment type: image, file, audio, video, sticker, gif. */
  kind: string;
  url?: string;
  name?: string;
  thumbnail?: string;
}

/**
 * Chat texts exchanged while a conversation with staff is open: inbound and outbound, the last few per user
 * only (older ones are deleted as new ones arrive). Results, birth dates and codes are kept as placeholders.
 */
export const handoffMessages = sqliteTable(
  'handoff_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    zaloUserId: text('zalo_user_id').notNull(),
    /** 'in' from the user, 'bot' from the assistant, 'staff' from a person, 'note' an internal staff note (never sent). */
    direction: text('direction', { enum: ['in', 'bot', 'staff', 'note'] }).notNull(),
    text: text('text').notNull(),
    staffId: integer('staff_id'),
    /** What came with an inbound message (staff see an image inline, other files as a link). */
    attachment: text('attachment', { mode: 'json' }).$type<ChatAttachment>(),
    at: integer('at').notNull(),
  },
  (t) => [index('handoff_messages_user').on(t.zaloUserId, t.id)],
);

export type HandoffMessage = typeof handoffMessages.$inferSelect;
