import { z } from 'zod';

/** What the bot asks the OA to send; transport-neutral, rendered to Zalo's API shape by the client. */
export const QuickReply = z.object({
  /** Short label; Zalo's title limit is uncertain (20-100 characters), so keep it to about 20. */
  title: z.string().min(1).max(40),
  /** Sent back as the user's text when tapped (oa.query.show); the numbered text menu accepts it too. */
  payload: z.string().min(1).max(1000),
});
export type QuickReply = z.infer<typeof QuickReply>;

export const OutMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1), buttons: z.array(QuickReply).max(5).optional() }),
  z.object({ type: z.literal('request_user_info'), title: z.string(), subtitle: z.string(), imageUrl: z.string() }),
]);
export type OutMessage = z.infer<typeof OutMessage>;

export const ZALO_TEXT_LIMIT = 2000;
export const ZALO_MAX_BUTTONS = 5;

/** Splits text over Zalo's 2,000-character limit at line breaks (NFC, as Zalo measures it). */
export function splitLongText(text: string, limit = ZALO_TEXT_LIMIT): string[] {
  const normalized = text.normalize('NFC');
  if (normalized.length <= limit) return [normalized];
  const parts: string[] = [];
  let current = '';
  for (const line of normalized.split('\n')) {
    let rest = line;
    while (rest.length > limit) {
      if (current) parts.push(current), (current = '');
      parts.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    const candidate = current ? `${current}\n${rest}` : rest;
    if (candidate.length > limit) {
      parts.push(current);
      current = rest;
    } else current = candidate;
  }
  if (current) parts.push(current);
  return parts;
}
