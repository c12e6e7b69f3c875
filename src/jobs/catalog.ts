import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { OutMessage } from '../conversation/messages';

/**
 * The typed job catalog: each job name belongs to one queue, has a zod schema for the outbox row payload
 * it works on, and its job options. A BullMQ job itself only ever carries `{ outboxId }`: what to send
 * (and any health data) stays in SQLite.
 */

export const queueNames = ['zalo-send', 'email-send', 'notices', 'broadcasts'] as const;
export type QueueName = (typeof queueNames)[number];

export const OutboxJobData = z.object({ outboxId: z.number().int().positive() });
export type OutboxJobData = z.infer<typeof OutboxJobData>;

/** What a notice is about: which renderer, and the record (booking id, result id, ...). Ids only, never health data. */
export const NoticeRef = z.object({
  /** Which renderer, e.g. 'booking.reminder', 'result.released'. */
  kind: z.string().min(1),
  /** The record it is about (booking id, result id, ...). */
  id: z.number().int(),
  /** e.g. 'T-3' for a reminder three days ahead. */
  variant: z.string().optional(),
});
export type NoticeRef = z.infer<typeof NoticeRef>;

export const NoticePayload = z.object({
  cadreId: z.number().int().positive(),
  ref: NoticeRef,
  /** The row this one continues, when the day's template quota held the notice back to the next morning. */
  deferredFrom: z.number().int().optional(),
});
export type NoticePayload = z.infer<typeof NoticePayload>;

export const CampaignNudgePayload = z.object({ campaignId: z.number().int().positive() });
/** The call list of one exam day (local date). */
export const CallListPayload = z.object({ examDate: z.iso.date() });
export const EscalatePayload = z.object({ requestId: z.number().int().positive(), level: z.number().int().min(0).max(2) });
export const HandoffTimeoutPayload = z.object({ handoffId: z.number().int().positive() });
export const BroadcastFanoutPayload = z.object({ broadcastId: z.number().int().positive() });
export const WaitlistOfferPayload = z.object({ slotId: z.number().int().positive() });
export const WaitlistExpirePayload = z.object({ offerId: z.number().int().positive() });
export const FollowUpDuePayload = z.object({ followUpId: z.number().int().positive() });

export const jobCatalog = {
  /** Replies of one dialog turn to one Zalo user, sent in order as one job. */
  'zalo.message': {
    queue: 'zalo-send',
    payload: z.object({ userId: z.string().regex(/^\d+$/), messages: z.array(OutMessage).min(1), sensitive: z.boolean().optional() }),
  },
  /** One email, e.g. a linking code or an escalation; the rendered mail stays in SQLite. */
  'email.message': {
    queue: 'email-send',
    payload: z.object({
      to: z.string().min(3),
      subject: z.string().min(1),
      text: z.string().min(1),
      html: z.string().optional(),
      /** Carries a secret (a linking code): the text is scrubbed from the row once the mail server took it. */
      sensitive: z.boolean().optional(),
    }),
    // A mail server may be down for hours: keep trying every few minutes instead of giving up after minutes.
    retry: { attempts: 60, capped: true },
  },
  /** Reads a Zalo user's profile (display name) after a turn that needs it, e.g. a proxy request. */
  'zalo.profile': { queue: 'notices', payload: z.object({ userId: z.string().regex(/^\d+$/) }) },
  /** After a cadre's data was erased: removes the local mail files naming them. */
  'mail.erase': { queue: 'email-send', payload: z.object({ cadreId: z.number().int().positive() }) },
  /** A reminder or announcement to a cadre; rendered and routed (Zalo, template, email) when sent. */
  'notice.cadre': { queue: 'notices', payload: NoticePayload },
  /** A campaign's nudge to eligible cadres who have not booked: fans out one notice each, once. */
  'campaign.nudge': { queue: 'notices', payload: CampaignNudgePayload },
  /** The day before an exam day: clinic staff get the cadres who have not confirmed, to call them. */
  'attendance.callList': { queue: 'notices', payload: CallListPayload },
  /** One escalation step of a request (notify the clinic, then the head, then on-call); skipped once acknowledged. */
  'request.escalate': { queue: 'notices', payload: EscalatePayload },
  /** Closes a conversation with staff after a quiet period, so the bot resumes. */
  'handoff.timeout': { queue: 'notices', payload: HandoffTimeoutPayload },
  /** Offers a freed exam place to the next cadre on the clinic's waitlist, holding it until they answer. */
  'waitlist.offer': { queue: 'notices', payload: WaitlistOfferPayload },
  /** An unanswered waitlist offer lapses at its deadline and the place passes on (a delayed job). */
  'waitlist.expire': { queue: 'notices', payload: WaitlistExpirePayload },
  /** A follow-up after a worrying result, still open at its due date, escalates as a request. */
  'followUp.due': { queue: 'notices', payload: FollowUpDuePayload },
  /** Turns a broadcast's segment into recipient rows and their send jobs (jobs/broadcast.ts); also resumes one. */
  'broadcast.fanout': { queue: 'broadcasts', payload: BroadcastFanoutPayload },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType; retry?: { attempts: number; capped: boolean } }>;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]['payload']>;
/** What a caller writes for job N (defaults of the schema may be left out). */
export type JobPayloadInput<N extends JobName> = z.input<(typeof jobCatalog)[N]['payload']>;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobCatalog, name);
}

/** Deterministic job id: a relay retry or a reconciler pass can never create a second job for a row. */
export const outboxJobId = (outboxId: number) => `outbox-${outboxId}`;

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** The longest wait between two tries of a job with capped backoff. */
export const CAPPED_BACKOFF_MAX_MS = 5 * 60_000;

/** BullMQ backoff strategy 'capped': exponential from the base delay, never more than CAPPED_BACKOFF_MAX_MS. */
export function cappedBackoff(attemptsMade: number, type: string | undefined, baseMs: number): number {
  if (type !== 'capped') return -1;
  return Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), CAPPED_BACKOFF_MAX_MS);
}

export function jobOptions(policy: RetryPolicy, name?: JobName): JobsOptions {
  const own = name ? (jobCatalog[name] as { retry?: { attempts: number; capped: boolean } }).retry : undefined;
  return {
    attempts: own?.attempts ?? policy.attempts,
    backoff: { type: own?.capped ? 'capped' : 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: 3600, count: 5000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
