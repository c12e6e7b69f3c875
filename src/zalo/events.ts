import { z } from 'zod';
import type { BotEvent, InboundEvent } from '../conversation/events';

/**
 * Webhook event schemas (ZALO.md §1.1). Ids and timestamps are strings: ids exceed 2^53, so a number
 * where an id belongs fails validation instead of silently losing digits. Unknown fields pass through.
 */

const zaloId = z.string().regex(/^\d{1,32}$/, 'a Zalo id is a string of digits');
const epochMsString = z.string().regex(/^\d{10,16}$/, 'epoch milliseconds as a string');
const idRef = z.looseObject({ id: zaloId });

/** The fields every event carries and that the signature covers. */
export const EventEnvelope = z.looseObject({
  app_id: z.string().min(1),
  event_name: z.string().min(1),
  timestamp: epochMsString,
});

const attachment = z.looseObject({
  type: z.string(),
  payload: z.unknown().optional(),
});

const message = z.looseObject({
  msg_id: z.string().min(1),
  text: z.string().max(20_000).optional(),
  attachments: z.array(attachment).optional(),
});

const userSend = z.looseObject({
  ...EventEnvelope.shape,
  event_name: z.string().regex(/^user_send_[a-z_]+$/),
  user_id_by_app: z.string().optional(),
  sender: idRef,
  recipient: idRef,
  message,
});

const followEvent = z.looseObject({
  ...EventEnvelope.shape,
  event_name: z.enum(['follow', 'unfollow']),
  user_id_by_app: z.string().optional(),
  oa_id: z.string().optional(),
  follower: idRef,
  source: z.string().optional(),
});

const chatNow = z.looseObject({
  ...EventEnvelope.shape,
  event_name: z.literal('user_click_chatnow'),
  user_id_by_app: z.string().optional(),
  oa_id: z.string().optional(),
  user_id: zaloId,
});

// Older captures send info.phone as a JSON number; newer docs nest the address. Keep every field optional.
const phoneValue = z.union([z.string(), z.number().int().nonnegative()]).transform((v) => String(v));
const submitInfo = z.looseObject({
  ...EventEnvelope.shape,
  event_name: z.literal('user_submit_info'),
  user_id_by_app: z.string().optional(),
  sender: idRef,
  recipient: idRef,
  info: z.looseObject({
    name: z.string().optional(),
    phone: phoneValue.optional(),
    address: z.string().optional(),
    city: z.string().optional(),
    district: z.string().optional(),
    ward: z.string().optional(),
    full_address: z
      .looseObject({ user_city: z.string().optional(), user_ward: z.string().optional(), user_address: z.string().optional() })
      .optional(),
  }),
});

export const HandledEvent = z.union([userSend, followEvent, chatNow, submitInfo]);
export type HandledEvent = z.infer<typeof HandledEvent>;

/** Events that become a dialog turn. Everything else (oa_send_* echoes, receipts, ...) is acknowledged and ignored. */
export function isHandledEventName(name: string): boolean {
  if (name.startsWith('oa_send_')) return false;
  return (
    name.startsWith('user_send_') ||
    name === 'follow' ||
    name === 'unfollow' ||
    name === 'user_click_chatnow' ||
    name === 'user_submit_info'
  );
}

function userIdOf(event: HandledEvent): string {
  if (event.event_name === 'follow' || event.event_name === 'unfollow') return (event as z.infer<typeof followEvent>).follower.id;
  if (event.event_name === 'user_click_chatnow') return (event as z.infer<typeof chatNow>).user_id;
  return (event as z.infer<typeof userSend>).sender.id;
}

/** Stable across Zalo's retries: msg_id where present, else (event name, user, timestamp). */
function dedupeKeyOf(event: HandledEvent): string {
  if (event.event_name.startsWith('user_send_')) return `msg-${(event as z.infer<typeof userSend>).message.msg_id}`;
  return `${event.event_name}-${userIdOf(event)}-${event.timestamp}`;
}

/** Only https addresses are kept: they are shown to staff as links and images. */
function httpsUrl(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 2000) return undefined;
  try {
    return new URL(v).protocol === 'https:' ? v : undefined;
  } catch {
    return undefined;
  }
}

function parseCoordinate(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function toBotEvent(event: HandledEvent): BotEvent {
  switch (event.event_name) {
    case 'follow':
      return { type: 'follow' };
    case 'unfollow':
      return { type: 'unfollow' };
    case 'user_click_chatnow':
      return { type: 'chat_opened' };
    case 'user_submit_info': {
      const info = (event as z.infer<typeof submitInfo>).info;
      const address =
        info.address ??
        [info.full_address?.user_address, info.full_address?.user_ward, info.full_address?.user_city].filter(Boolean).join(', ');
      return { type: 'shared_info', phone: info.phone, name: info.name, address: address || undefined };
    }
  }
  const send = event as z.infer<typeof userSend>;
  if (send.event_name === 'user_send_location') {
    const payload = (send.message.attachments?.[0]?.payload ?? {}) as Record<string, unknown>;
    const coords = (payload.coordinates ?? payload) as Record<string, unknown>;
    const latitude = parseCoordinate(coords.latitude ?? coords.lat);
    const longitude = parseCoordinate(coords.longitude ?? coords.long ?? coords.lng);
    if (latitude !== undefined && longitude !== undefined) {
      return { type: 'location', latitude, longitude, label: send.message.text || undefined };
    }
    return { type: 'attachment', kind: 'location' };
  }
  if (send.event_name === 'user_send_text') return { type: 'text', text: send.message.text ?? '' };
  const first = send.message.attachments?.[0];
  const payload = (first?.payload ?? {}) as Record<string, unknown>;
  const kind = send.event_name.replace(/^user_send_/, '');
  const url = httpsUrl(payload.url);
  const thumbnail = httpsUrl(payload.thumbnail);
  const name = typeof payload.name === 'string' ? payload.name.slice(0, 200) : undefined;
  return { type: 'attachment', kind, ...(url ? { url } : {}), ...(thumbnail ? { thumbnail } : {}), ...(name ? { name } : {}) };
}

/** The bot's view of a handled Zalo event: who, when, what, and the key that stops Zalo's retries. */
export function toInboundEvent(event: HandledEvent): InboundEvent {
  return {
    dedupeKey: dedupeKeyOf(event),
    userId: userIdOf(event),
    at: Number(event.timestamp),
    event: toBotEvent(event),
    channelEvent: event.event_name,
    ...(typeof event.user_id_by_app === 'string' ? { userIdByApp: event.user_id_by_app } : {}),
  };
}

/** A stored raw webhook body (a failed event kept for replay) read back as the bot's inbound event. */
export const inboundEventFromBody = (body: string): InboundEvent => toInboundEvent(HandledEvent.parse(JSON.parse(body)));
