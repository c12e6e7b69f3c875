import { z } from 'zod';

/**
 * A user's dialog state, stored as JSON on the conversation row. Flows add their own variants; a stored
 * state that no longer parses (after an upgrade) falls back to idle rather than failing the turn.
 */
export const ConversationState = z.object({
  flow: z.literal('idle'),
});
export type ConversationState = z.infer<typeof ConversationState>;

export const initialState: ConversationState = { flow: 'idle' };

export function parseState(raw: unknown): ConversationState {
  const parsed = ConversationState.safeParse(raw);
  return parsed.success ? parsed.data : initialState;
}
