import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { queueNames, type QueueName } from './catalog';

export type Queues = Record<QueueName, Queue>;

/** One BullMQ Queue per catalog queue, sharing one producer connection; errors are logged, never thrown away. */
export function createQueues(connection: Redis, prefix: string, logger: Logger): Queues {
  const entries = queueNames.map((name) => {
    const queue = new Queue(name, { connection, prefix });
    queue.on('error', (err) => logger.warn({ queue: name, err: err.message }, 'queue error'));
    return [name, queue] as const;
  });
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
