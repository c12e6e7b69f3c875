import type { z } from 'zod';
import type { Clock } from '../../clock';
import { inTransaction, type Db } from '../../store/db';
import { closeHandoff, staffOpensConversation, staffReply } from '../conversations/handoff';
import { clinicScope, staffActor, type StaffIdentity } from '../staff/actor';
import { addRequestNote, type NoteInput } from './requestNotes';
import { acknowledgeRequest, closeRequest, scheduleRequest, type ScheduleInput } from './staffActions';

/** Staff actions on requests and conversations, each in one transaction; outbox rows go to the relay after commit. */
export function requestActions(deps: { db: Db; clock: Clock; afterCommit: () => void; handoffTimeoutMs: number }) {
  const run = (fn: (tx: Parameters<Parameters<typeof inTransaction>[1]>[0], now: number) => number[]) => {
    inTransaction(deps.db, (tx) => fn(tx, deps.clock.now()));
    deps.afterCommit();
  };
  return {
    acknowledge: (s: StaffIdentity, id: number) => run((tx, now) => acknowledgeRequest(tx, id, staffActor(s), clinicScope(s), now)),
    schedule: (s: StaffIdentity, id: number, input: z.infer<typeof ScheduleInput>) => run((tx, now) => scheduleRequest(tx, id, s, clinicScope(s), input, now)),
    close: (s: StaffIdentity, id: number, outcome: 'done' | 'cancelled', note: string) => run((tx, now) => closeRequest(tx, id, outcome, s, clinicScope(s), note, now)),
    note: (s: StaffIdentity, id: number, input: NoteInput) => run((tx, now) => addRequestNote(tx, id, s, clinicScope(s), input, now).outboxIds),
    reply: (s: StaffIdentity, id: number, text: string) => run((tx, now) => staffReply(tx, id, s, clinicScope(s), text, now)),
    closeConversation: (s: StaffIdentity, id: number) => run((tx, now) => closeHandoff(tx, id, s, clinicScope(s), now)),
    /** Starts (or reopens the open) conversation with the request's cadre; returns its id. */
    openConversation: (s: StaffIdentity, requestId: number): number => {
      const opened = inTransaction(deps.db, (tx) => staffOpensConversation(tx, requestId, s, clinicScope(s), { timeoutMs: deps.handoffTimeoutMs }, deps.clock.now()));
      deps.afterCommit();
      return opened.handoffId;
    },
  };
}
