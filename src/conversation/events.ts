/**
 * What the bot hears: a transport-neutral account of what the user did. The Zalo webhook (zalo/events.ts), the
 * simulator and the tests all speak it; the bot never sees a channel's wire format.
 */
export type BotEvent =
  | { type: 'text'; text: string }
  | { type: 'follow' }
  | { type: 'unfollow' }
  | { type: 'chat_opened' }
  | { type: 'location'; latitude: number; longitude: number; label?: string }
  | { type: 'shared_info'; phone?: string; name?: string; address?: string }
  /** A photo, file, voice note, video, sticker or GIF: where the channel keeps it (https only), and a file's name. */
  | { type: 'attachment'; kind: string; url?: string; name?: string; thumbnail?: string };

/** One event as the channel adapter hands it to the bot: who, when, what, and the key that stops a replay. */
export interface InboundEvent {
  /** Stable across the channel's retries of the same delivery. */
  dedupeKey: string;
  userId: string;
  /** When the user acted (epoch ms), as the channel reports it. */
  at: number;
  event: BotEvent;
  /** The channel's own name for the event (`user_send_text`), kept with the dedupe and failure records. */
  channelEvent: string;
  /** The user's id under the channel's app, when it gives one (kept on the user's record). */
  userIdByApp?: string;
}

/** Every event but leaving counts as the user interacting (it opens the channel's reply window). */
export const isInteraction = (event: BotEvent): boolean => event.type !== 'unfollow';
