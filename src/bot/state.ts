import { z } from 'zod';
import { HandoffState } from './flows/handoff';
import { RequestsState } from './flows/requests';
import { BookingState } from './flows/booking';
import { ResultsState } from './flows/results';
import { INTENTS } from './understand/intents';

/** What the user wanted when a flow had to pause for identity: resumed once they are verified. */
export const Intent = z.enum(['booking', 'results', 'homeVisit', 'staff']);
export type Intent = z.infer<typeof Intent>;

const Idle = z.object({ flow: z.literal('idle') });

export const LinkingState = z.object({
  flow: z.literal('linking'),
  step: z.enum(['choose', 'code', 'birth', 'otp', 'proxyCode', 'proxyBirth', 'proxyRelation', 'proxyPhone', 'proxyConfirm', 'unlinkConfirm', 'help']),
  then: Intent.optional(),
  /** The message that gave `then` and when it was typed, so the goal resumes with the day or time it named. */
  thenInput: z.string().max(500).optional(),
  thenAt: z.number().int().optional(),
  code: z.string().optional(),
  cadreId: z.number().int().optional(),
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
export const ClarifyState = z.object({
  flow: z.literal('clarify'),
  ask: z.enum(['intent', 'leaveChat']),
  intent: z.enum(intentIds).optional(),
  resume: z.unknown(),
});
export type ClarifyState = z.infer<typeof ClarifyState>;

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
