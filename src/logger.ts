import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Standard output written off the main thread: a line is handed to the next write at once, and lines logged
 * while a write is under way go out together in the following one, so a busy process makes one write per batch
 * instead of one blocking write per line. What is still buffered is written synchronously when the process exits.
 */
const stdoutInBatches = () => pino.destination({ dest: process.stdout.fd || 1, sync: false });

/**
 * Structured logs. Message text and health data never go to info level: log ids and event names only.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cadrecare' },
      redact: { paths: ['*.text', '*.message.text', 'text', 'access_token', '*.access_token', 'req.headers.cookie'], remove: true },
    },
    destination ?? (level === 'silent' ? undefined : stdoutInBatches()),
  );
}
