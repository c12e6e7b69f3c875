import { z } from 'zod';
import { HandoffState } from './flows/handoff';
import { RequestsState } from './flows/requests';
import { BookingState } from './flows/booking';
import { ResultsState } from './flows/results';

/** What the user wanted when a flow had to pause for identity: resumed once they are verified. */
export const Intent = z.enum(['booking', 'results', 'homeVisit', 'staff']);
export type Intent = z.infer<typeof Intent>;

const Idle = z.object({ flow: z.literal('idle') });

export const LinkingState = z.object({
  flow: z.literal('linking'),
  step: z.enum(['choose', 'code', 'birth', 'otp', 'proxyCode', 'proxyBirth', 'proxyRelation', 'unlinkConfirm', 'help']),
  then: Intent.optional(),
  code: z.string().optional(),
  cadreId: z.number().int().optional(),
  failures: z.number().int().default(0),
  /** At the 'help' step: why the usual way did not work, for the staff who verify instead. */
  why: z.string().max(300).optional(),
});
export type LinkingState = z.infer<typeof LinkingState>;

export const ChooseSubjectState = z.object({
  flow: z.literal('chooseSubject'),
  intent: Intent,
  cadreIds: z.array(z.number().int()).min(2),
});
export type ChooseSubjectState = z.infer<typeof ChooseSubjectState>;

/**
 * A user's dialog state, stored as JSON on the conversation row; one variant per flow. A stored state that
 * no longer parses (after an upgrade) falls back to idle rather than failing the turn.
 */
export const ConversationState = z.discriminatedUnion('flow', [Idle, LinkingState, ChooseSubjectState, BookingState, ResultsState, RequestsState, HandoffState]);
export type ConversationState = z.infer<typeof ConversationState>;

export const initialState: ConversationState = { flow: 'idle' };

export function parseState(raw: unknown): ConversationState {
  const parsed = ConversationState.safeParse(raw);
  return parsed.success ? parsed.data : initialState;
}
