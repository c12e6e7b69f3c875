import { z } from 'zod';
import { INTENTS } from './understand/intents';

/** What the user wanted when a flow had to pause for identity: resumed once they are verified. */
export const Intent = z.enum(['booking', 'results', 'homeVisit', 'staff']);
export type Intent = z.infer<typeof Intent>;

const Idle = z.object({ flow: z.literal('idle') });

export const LinkingState = z.object({
  flow: z.literal('linking'),
  step: z.enum(['choose', 'code', 'birth', 'otp', 'proxyCode', 'proxyBirth', 'proxyRelation', 'proxyRelationOther', 'proxyPhone', 'proxyConfirm', 'unlinkConfirm', 'help', 'leaveChoose', 'leaveConfirm']),
  then: Intent.optional(),
  /** The message that gave `then` and when it was typed, so the goal resumes with the day or time it named. */
  thenInput: z.string().max(500).optional(),
  thenAt: z.number().int().optional(),
  code: z.string().optional(),
  cadreId: z.number().int().optional(),
  /** At 'leaveChoose': the cadres the proxy may stop acting for, in menu order. */
  cadreIds: z.array(z.number().int()).optional(),
  /** What the proxy said they are to the cadre, shown in the summary before the request is sent. */
  relation: z.string().max(60).optional(),
  /** The proxy's own phone (shared through Zalo or typed) and the name Zalo shared with it, for staff to call back. */
  requesterPhone: z.string().max(15).optional(),
  requesterName: z.string().max(100).optional(),
  failures: z.number().int().default(0),
  /** At the 'help' step: why the usual way did not work, for the staff who verify instead. */
  why: z.string().max(300).optional(),
});
export type LinkingState = z.infer<typeof LinkingState>;

export const ChooseSubjectState = z.object({
  flow: z.literal('chooseSubject'),
  intent: Intent,
  cadreIds: z.array(z.number().int()).min(2),
  /** The message that asked (its day or command is used once the cadre is chosen), and when. */
  input: z.string().max(500).optional(),
  saidAt: z.number().int().optional(),
});
export type ChooseSubjectState = z.infer<typeof ChooseSubjectState>;

const intentIds = INTENTS.map((i) => i.id) as [(typeof INTENTS)[number]['id'], ...(typeof INTENTS)[number]['id'][]];

/**
 * A question the bot asked before acting on an uncertain reading: "Có phải Ông muốn đặt lịch khám?" (a near
 * miss, or a command typed where a flow expected an answer), or "kết thúc trò chuyện với nhân viên?". `resume`
 * is the state to go back to on a no.
 */
/** A photo, file or voice note as the bot keeps it: where Zalo holds it, never its content. */
export const Attachment = z.object({
  kind: z.string().max(20),
  url: z.string().max(2000).optional(),
  name: z.string().max(200).optional(),
  thumbnail: z.string().max(2000).optional(),
});

export const ClarifyState = z.object({
  flow: z.literal('clarify'),
  ask: z.enum(['intent', 'leaveChat', 'sendAttachment']),
  intent: z.enum(intentIds).optional(),
  /** At 'sendAttachment': what would be sent to staff on a yes. */
  attachment: Attachment.optional(),
  resume: z.unknown(),
});
export type ClarifyState = z.infer<typeof ClarifyState>;
export type Attachment = z.infer<typeof Attachment>;

/** Booking, moving or cancelling an exam (bot/flows/booking/). */
export const BookingState = z.object({
  flow: z.literal('booking'),
  step: z.enum(['manage', 'frail', 'pickBooking', 'campaign', 'clinic', 'day', 'time', 'confirm', 'cancelReason', 'cancelConfirm', 'waitlist']),
  cadreId: z.number().int(),
  viaProxy: z.boolean(),
  /** A new booking, or moving / cancelling `bookingId`. */
  purpose: z.enum(['book', 'move', 'cancel']).default('book'),
  bookingId: z.number().int().optional(),
  campaignId: z.number().int().optional(),
  clinicId: z.number().int().optional(),
  day: z.string().optional(),
  slotId: z.number().int().optional(),
  /** The reason given for cancelling, shown in the summary before the cancel is confirmed. */
  reason: z.string().max(300).optional(),
  /** Cancelling because the cadre answered "không đến được" to the day-before question. */
  declined: z.boolean().optional(),
  /** What the numbers of the last menu stand for (ids or dates), in order. */
  options: z.array(z.union([z.number().int(), z.string()])).default([]),
  /** Which page of free days is on screen (seven a page). */
  page: z.number().int().min(0).default(0),
  /** A day (and time) the user named before the day step, e.g. "đặt lịch khám ngày mai": used once it is reached. */
  wanted: z
    .object({
      date: z.string().nullable(),
      minutes: z.number().int().nullable(),
      ambiguous: z.boolean(),
      /** A week named without a day ("tuần sau"): its open days are offered. */
      week: z.object({ from: z.string(), to: z.string() }).optional(),
    })
    .optional(),
});
export type BookingState = z.infer<typeof BookingState>;

/** Talking with staff (bot/flows/handoff.ts). */
export const HandoffState = z.object({
  flow: z.literal('handoff'),
  step: z.literal('topic'),
  cadreId: z.number().int().nullable(),
  clinicId: z.number().int().nullable(),
});
export type HandoffState = z.infer<typeof HandoffState>;

/** Seeing released results (bot/flows/results.ts). */
export const ResultsState = z.object({
  flow: z.literal('results'),
  cadreId: z.number().int(),
  viaProxy: z.boolean(),
  /** 'latest': a result is on screen, "earlier ones" offered; 'list': the numbered list of earlier ones. */
  step: z.enum(['latest', 'list']),
  /** For 'list': the result ids behind the numbers 1..n, as shown. */
  listIds: z.array(z.number().int()).max(20).default([]),
});
export type ResultsState = z.infer<typeof ResultsState>;

/** A home visit, medicine, record book or question for staff (bot/flows/requests.ts). */
const RequestKind = z.enum(['home_visit', 'medicine', 'record_book', 'question']);
const Draft = z.object({
  reason: z.string().optional(),
  address: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  /** YYYY-MM-DD, or null for "as soon as possible". */
  date: z.string().nullable().optional(),
  time: z.enum(['morning', 'afternoon', 'any']).optional(),
  urgency: z.enum(['urgent', 'normal']).optional(),
  /** Photos or files sent while the request was being filed (a prescription, a letter): sent with it. */
  attachments: z.array(z.lazy(() => Attachment)).max(5).optional(),
});

export const RequestsState = z.object({
  flow: z.literal('requests'),
  step: z.enum(['subject', 'menu', 'reason', 'address', 'addressTyped', 'day', 'time', 'urgency', 'confirm']),
  target: z.enum(['home_visit', 'medicine', 'record_book', 'question', 'menu', 'mine']).optional(),
  kind: RequestKind.optional(),
  cadreId: z.number().int().optional(),
  viaProxy: z.boolean().default(false),
  cadreIds: z.array(z.number().int()).optional(),
  draft: Draft.default({}),
});
export type RequestsState = z.infer<typeof RequestsState>;

/** Misunderstandings in a row; at two the bot offers staff and the hotline. */
const Misses = { misses: z.number().int().min(0).optional() };

/**
 * A user's dialog state, stored as JSON on the conversation row; one variant per flow. A stored state that
 * no longer parses (after an upgrade) falls back to idle rather than failing the turn.
 */
export const ConversationState = z.discriminatedUnion('flow', [
  Idle.extend(Misses),
  LinkingState.extend(Misses),
  ChooseSubjectState.extend(Misses),
  BookingState.extend(Misses),
  ResultsState.extend(Misses),
  RequestsState.extend(Misses),
  HandoffState.extend(Misses),
  ClarifyState.extend(Misses),
]);
export type ConversationState = z.infer<typeof ConversationState>;

export const initialState: ConversationState = { flow: 'idle' };

export function parseState(raw: unknown): ConversationState {
  const parsed = ConversationState.safeParse(raw);
  return parsed.success ? parsed.data : initialState;
}
