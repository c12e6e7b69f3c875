import { duringHandoff, openHandoffWith, startHandoff } from './flows/handoff';
import { startHomeVisit } from './flows/requests';
import { askDeclineReason, startBooking, startMoveOf } from './flows/booking';
import { startResults } from './flows/results';
import { startLinking } from './flows/linking';
import { withSubject } from './flows/subject';
import type { FlowEntries, IntentStarter } from './flow';
import type { Intent } from './state';

/**
 * What each main-menu choice does once we know for whom. One line per capability: a flow in
 * bot/flows/<name>.ts exports its starter and is named here.
 */
export const intentStarters: Record<Intent, IntentStarter> = {
  booking: (subject, ctx, lead) => startBooking(subject, ctx, lead),
  results: (subject, ctx, lead) => startResults(subject, ctx, lead),
  homeVisit: startHomeVisit,
  staff: startHandoff,
};

/** Intents anyone may use before verifying their account. */
export const openIntents: ReadonlySet<Intent> = new Set(['staff']);

/** The entry points one flow hands over to in another, given to every step as `ctx.flows`. */
export const flowEntries: FlowEntries = { startLinking, withSubject, openHandoffWith, duringHandoff, startHomeVisit, startMoveOf, askDeclineReason };
