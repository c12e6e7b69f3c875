import { randomBytes } from 'node:crypto';
import { signatureHeader } from './signature';

/**
 * Builds webhook events exactly as Zalo sends them (ZALO.md §1.1), and signs them. Used by the simulator's
 * chat page, the tests and the benchmarks, so all three exercise the real webhook the same way.
 */

export interface EventIds {
  appId: string;
  oaId: string;
}

const newMsgId = () => randomBytes(16).toString('hex');

export function userTextEvent(ids: EventIds, userId: string, text: string, at: number, msgId = newMsgId()) {
  return {
    event_name: 'user_send_text',
    app_id: ids.appId,
    sender: { id: userId },
    user_id_by_app: `9${userId}`,
    recipient: { id: ids.oaId },
    message: { text, msg_id: msgId },
    timestamp: String(at),
  };
}

export function followEvent(ids: EventIds, userId: string, at: number, follow = true) {
  return {
    event_name: follow ? 'follow' : 'unfollow',
    app_id: ids.appId,
    oa_id: ids.oaId,
    follower: { id: userId },
    user_id_by_app: `9${userId}`,
    source: 'oa_profile',
    timestamp: String(at),
  };
}

export function submitInfoEvent(ids: EventIds, userId: string, info: { name?: string; phone?: string; address?: string }, at: number) {
  return {
    event_name: 'user_submit_info',
    app_id: ids.appId,
    sender: { id: userId },
    recipient: { id: ids.oaId },
    user_id_by_app: `9${userId}`,
    info: { name: info.name ?? '', phone: info.phone ?? '', address: info.address ?? '', city: '', district: '' },
    timestamp: String(at),
  };
}

export function locationEvent(ids: EventIds, userId: string, latitude: number, longitude: number, at: number, label = '') {
  return {
    event_name: 'user_send_location',
    app_id: ids.appId,
    sender: { id: userId },
    recipient: { id: ids.oaId },
    message: {
      msg_id: newMsgId(),
      text: label,
      attachments: [{ type: 'location', payload: { coordinates: { latitude: String(latitude), longitude: String(longitude) } } }],
    },
    timestamp: String(at),
  };
}

/** A photo, file, voice note, video, sticker or GIF (user_send_image, user_send_file, user_send_audio, ...). */
export function attachmentEvent(
  ids: EventIds,
  userId: string,
  kind: 'image' | 'file' | 'audio' | 'video' | 'sticker' | 'gif',
  payload: { url?: string; thumbnail?: string; name?: string; size?: string; type?: string; id?: string },
  at: number,
  text = '',
) {
  return {
    event_name: `user_send_${kind}`,
    app_id: ids.appId,
    sender: { id: userId },
    recipient: { id: ids.oaId },
    user_id_by_app: `9${userId}`,
    message: { msg_id: newMsgId(), text, attachments: [{ type: kind, payload }] },
    timestamp: String(at),
  };
}

/** An event about a message the OA sent (its echo, its delivery receipt): from the OA to `recipientId`. */
function aboutOaMessage<M>(ids: EventIds, eventName: string, recipientId: string, message: M, at: number) {
  return {
    event_name: eventName,
    app_id: ids.appId,
    sender: { id: ids.oaId },
    recipient: { id: recipientId },
    message,
    timestamp: String(at),
  };
}

/** The copy Zalo sends us of our own message: the webhook must ignore it. */
export function oaEchoEvent(ids: EventIds, userId: string, text: string, at: number) {
  return aboutOaMessage(ids, 'oa_send_text', userId, { text, msg_id: newMsgId() }, at);
}

/**
 * A delivery receipt as Zalo posts it for a template sent by phone (ZALO.md §7 fixture; header
 * X-ZEvent-Server: ZNS, see `signEvent`): `recipient.id` is the phone, `tracking_id` is ours.
 */
export function znsReceiptEvent(ids: EventIds, phone: string, msgId: string, trackingId: string, at: number) {
  return aboutOaMessage(ids, 'user_received_message', phone, { delivery_time: String(at), msg_id: msgId, tracking_id: trackingId }, at);
}

/** A delivery receipt for a message sent by user id (customer-service or template). */
export function receivedEvent(ids: EventIds, userId: string, msgId: string, at: number) {
  return aboutOaMessage(ids, 'user_received_message', userId, { msg_id: msgId }, at);
}

/** Serialises and signs an event: the body bytes and the headers Zalo would send with them. */
export function signEvent(event: { app_id: string; timestamp: string }, oaSecretKey: string, server: 'OA OpenAPI' | 'ZNS' = 'OA OpenAPI') {
  const body = JSON.stringify(event);
  const raw = Buffer.from(body, 'utf8');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'ZaloWebhook',
      'x-zevent-server': server,
      'x-zevent-signature': signatureHeader(event.app_id, raw, event.timestamp, oaSecretKey),
    },
  };
}
