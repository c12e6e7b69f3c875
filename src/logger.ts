import pino, { type Logger } from 'pino';

export type { Logger };

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
    destination,
  );
}
