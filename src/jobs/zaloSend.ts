import { UnrecoverableError } from 'bullmq';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';
import { markDone, markProgress } from '../store/outbox';
import type { OutboxRow } from '../store/schema';
import type { ZaloClient } from '../zalo/client';
import { ZaloApiError } from '../zalo/errors';
import { splitLongText, type OutMessage } from '../zalo/messages';
import { jobCatalog } from './catalog';

export interface ZaloSendDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  zalo: ZaloClient;
  buttons: boolean;
}

/** Splits over-long texts so every part fits Zalo's limit; buttons stay on the last part. */
export function expandMessages(messages: OutMessage[]): OutMessage[] {
  return messages.flatMap((m): OutMessage[] => {
    if (m.type !== 'text') return [m];
    const parts = splitLongText(m.text);
    return parts.map((text, i) => ({ type: 'text' as const, text, ...(i === parts.length - 1 && m.buttons ? { buttons: m.buttons } : {}) }));
  });
}

/**
 * Sends the messages of one 'zalo.message' outbox row in order. `progress` on the row records each part Zalo
 * accepted, so a retry (or a worker killed mid-job) resumes after the last acknowledged part.
 */
export async function sendZaloMessage(deps: ZaloSendDeps, row: OutboxRow): Promise<void> {
  const payload = jobCatalog['zalo.message'].payload.parse(row.payload);
  const parts = expandMessages(payload.messages);
  for (let i = row.progress; i < parts.length; i++) {
    let messageId: string;
    try {
      messageId = await deps.zalo.sendMessage(payload.userId, parts[i]!, { buttons: deps.buttons });
    } catch (err) {
      if (err instanceof ZaloApiError && err.kind !== 'transient') {
        // Auth errors reach here only after the one refresh-and-resend already failed.
        throw new UnrecoverableError(err.message);
      }
      throw err;
    }
    markProgress(deps.db, row.id, i + 1, messageId, deps.clock.now());
  }
  markDone(deps.db, row.id, 'zalo', deps.clock.now());
}
