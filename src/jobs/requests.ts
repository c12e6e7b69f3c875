import { eq } from 'drizzle-orm';
import { handoffTimeoutStep } from '../domain/conversations/handoff';
import { escalationStep, type EscalationEnv } from '../domain/requests/escalation';
import { EscalatePayload, HandoffTimeoutPayload } from './catalog';
import { inTransaction } from '../store/db';
import { markDone } from '../store/outbox';
import { outbox, type OutboxRow } from '../store/schema';
import type { JobDeps } from './jobDeps';

export interface RequestJobDeps extends JobDeps {
  escalation: EscalationEnv;
  handoffTimeoutMs: number;
}

/**
 * 'request.escalate': one escalation step. The step's effects (emails, Zalo messages, the next step) and the
 * row's completion are one transaction, so a retried job never notifies twice. The worker kicks the relay
 * afterwards, which enqueues the new rows.
 */
export async function runEscalationStep(deps: RequestJobDeps, row: OutboxRow): Promise<void> {
  const payload = EscalatePayload.parse(row.payload);
  const now = deps.clock.now();
  const result = inTransaction(deps.db, (tx) => {
    const current = tx.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, row.id)).get();
    if (!current || (current.status !== 'pending' && current.status !== 'queued')) return null;
    const r = escalationStep(tx, payload, deps.escalation, now);
    markDone(tx, row.id, r.channel, now);
    if (r.note) tx.update(outbox).set({ lastError: r.note }).where(eq(outbox.id, row.id)).run();
    return r;
  });
  if (result) deps.logger.info({ outboxId: row.id, requestId: payload.requestId, level: payload.level, channel: result.channel }, 'request escalation step');
}

/** 'handoff.timeout': closes a quiet conversation with staff (the bot resumes), or sets the timer again. */
export async function runHandoffTimeout(deps: RequestJobDeps, row: OutboxRow): Promise<void> {
  const { handoffId } = HandoffTimeoutPayload.parse(row.payload);
  const now = deps.clock.now();
  const closed = inTransaction(deps.db, (tx) => {
    const current = tx.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, row.id)).get();
    if (!current || (current.status !== 'pending' && current.status !== 'queued')) return false;
    const r = handoffTimeoutStep(tx, handoffId, deps.handoffTimeoutMs, now);
    markDone(tx, row.id, r.closed ? 'zalo' : 'none', now);
    return r.closed;
  });
  if (closed) deps.logger.info({ outboxId: row.id, handoffId }, 'conversation with staff timed out');
}
