import { z } from 'zod';

/** What the bot asks the OA to send; transport-neutral, rendered to Zalo's API shape by the client. */
export const QuickReply = z.object({
  /** Short label, at most ZALO_BUTTON_TITLE_LIMIT characters (see fitButtonTitle). */
  title: z.string().min(1).max(1000),
  /** Sent back as the user's text when tapped (oa.query.show); the numbered text menu accepts it too. */
  payload: z.string().min(1).max(1000),
  /** A call button (oa.open.phone) instead of a reply: the number Zalo dials when tapped. */
  phone: z.string().regex(/^\+?\d{3,15}$/).optional(),
});
export type QuickReply = z.infer<typeof QuickReply>;

export const OutMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1), buttons: z.array(QuickReply).max(5).optional() }),
  z.object({ type: z.literal('request_user_info'), title: z.string(), subtitle: z.string(), imageUrl: z.string() }),
]);
export type OutMessage = z.infer<typeof OutMessage>;

export const ZALO_TEXT_LIMIT = 2000;
export const ZALO_MAX_BUTTONS = 5;
/** Sources give 20, 35 and 100 characters for a button title (ZALO.md §2): the strictest one holds everywhere. */
export const ZALO_BUTTON_TITLE_LIMIT = 20;
const ZALO_BUTTON_PAYLOAD_LIMIT = 1000;

/** Titles already fitted: every reply's buttons go through fitButtonTitle, and the same few titles recur. */
const fittedTitles = new Map<string, string>();

/** A button title within Zalo's limit, remembered (up to a few thousand distinct titles). */
function fitButtonTitle(title: string): string {
  let fitted = fittedTitles.get(title);
  if (fitted === undefined) {
    fitted = cutButtonTitle(title, ZALO_BUTTON_TITLE_LIMIT);
    if (fittedTitles.size >= 5_000) fittedTitles.clear();
    fittedTitles.set(title, fitted);
  }
  return fitted;
}

/** A button title within the limit: cut at a word boundary with "…" (the payload keeps the full text). */
function cutButtonTitle(title: string, limit: number): string {
  const t = title.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (t.length <= limit) return t;
  const cut = t.slice(0, limit - 1);
  const space = cut.lastIndexOf(' ');
  const head = (space >= limit / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/u, '');
  return `${head}…`;
}

/** Buttons as Zalo takes them: at most five, each title within the limit, each payload within its limit. */
export function fitButtons(buttons: readonly QuickReply[] | undefined): QuickReply[] {
  return (buttons ?? []).slice(0, ZALO_MAX_BUTTONS).map((b) => ({
    title: fitButtonTitle(b.title),
    payload: b.payload.normalize('NFC').slice(0, ZALO_BUTTON_PAYLOAD_LIMIT),
    ...(b.phone ? { phone: b.phone } : {}),
  }));
}

/**
 * Messages as Zalo accepts them: texts over the limit split at line breaks (buttons on the last part), buttons
 * fitted. Every reply goes through this before it is stored, so no send can be refused for its size.
 */
export function fitMessages(messages: readonly OutMessage[]): OutMessage[] {
  return messages.flatMap((m): OutMessage[] => {
    if (m.type !== 'text') return [m];
    const parts = splitLongText(m.text);
    const buttons = fitButtons(m.buttons);
    return parts.map((text, i) => ({ type: 'text' as const, text, ...(i === parts.length - 1 && buttons.length ? { buttons } : {}) }));
  });
}

/** Whether a message is within every limit Zalo sets (what fitMessages guarantees). */
export function fitsZalo(m: OutMessage): boolean {
  if (m.type !== 'text') return true;
  const buttons = m.buttons ?? [];
  return (
    m.text.normalize('NFC').length <= ZALO_TEXT_LIMIT &&
    m.text.trim().length > 0 &&
    buttons.length <= ZALO_MAX_BUTTONS &&
    buttons.every((b) => b.title.length > 0 && b.title.length <= ZALO_BUTTON_TITLE_LIMIT && b.payload.length > 0 && b.payload.length <= ZALO_BUTTON_PAYLOAD_LIMIT)
  );
}

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
