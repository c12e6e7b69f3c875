import { z } from 'zod';
import type { DbOrTx } from '../../store/db';
import { statement } from '../../store/prepared';

/**
 * `user_received_message`: Zalo's delivery receipt. For a template sent by phone it comes with the header
 * X-ZEvent-Server: ZNS, `recipient.id` is the phone and `message.tracking_id` is ours (ZALO.md §7); for a
 * message by user id it names the message id.
 */
export const DeliveryReceipt = z.looseObject({
  event_name: z.literal('user_received_message'),
  timestamp: z.string(),
  recipient: z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) }),
  message: z.looseObject({
    msg_id: z.union([z.string(), z.number()]).transform(String).optional(),
    msg_ids: z.array(z.string()).optional(),
    tracking_id: z.string().optional(),
    delivery_time: z.union([z.string(), z.number()]).optional(),
  }),
});
export type DeliveryReceipt = z.infer<typeof DeliveryReceipt>;

/**
 * Records a receipt: the notice it names is delivered (first receipt wins, retries change nothing), and a
 * by-phone send still in flight is settled. Returns how many notices it matched.
 */
export function recordDeliveryReceipt(db: DbOrTx, receipt: DeliveryReceipt, now: number): number {
  const deliveredAt = Number(receipt.message.delivery_time ?? receipt.timestamp) || now;
  const { tracking_id: trackingId, msg_id: msgId } = receipt.message;
  // Our tracking id is the send's key in zalo_sends: a send left in flight (its answer lost) is settled here, the
  // delivery time kept as the attempt's end so that the notice, recorded afterwards, is delivered too.
  if (trackingId && msgId) {
    statement(db, "UPDATE zalo_sends SET status = 'sent', message_id = ?, sent_at = ?, ended_at = ? WHERE key = ? AND status = 'in_flight'").run(
      msgId,
      now,
      deliveredAt,
      trackingId,
    );
  }
  let matched = 0;
  if (trackingId) {
    matched += statement(db, 'UPDATE notice_sends SET delivered_at = ?, message_id = coalesce(message_id, ?) WHERE tracking_id = ? AND delivered_at IS NULL').run(
      deliveredAt,
      msgId ?? null,
      trackingId,
    ).changes;
  }
  for (const id of [msgId, ...(receipt.message.msg_ids ?? [])]) {
    if (!id || matched) continue;
    matched += statement(db, 'UPDATE notice_sends SET delivered_at = ? WHERE message_id = ? AND delivered_at IS NULL').run(deliveredAt, id).changes;
  }
  return matched;
}
