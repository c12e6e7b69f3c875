import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

interface CapturedMail {
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, when the mail has one. */
  html?: string;
  messageId?: string;
}

export interface SmtpSink {
  url: string;
  mails: CapturedMail[];
  /** Refuse every message with a 4xx until `accept()` (an SMTP server that is down for a while). */
  refuse(): void;
  accept(): void;
  /**
   * A mail server that drops connections: every `dropEvery`-th connection is closed at once (421), and every
   * `loseAnswerEvery`-th message is kept but answered 451, as when the connection drops after the data went
   * through; the client retries and the copy arrives twice. `accept()` ends it.
   */
  flaky(options: { dropEvery: number; loseAnswerEvery: number }): void;
  /** Connections dropped and answers lost while flaky. */
  readonly dropped: { connections: number; answers: number };
  close(): Promise<void>;
}

/** A real SMTP server on a free loopback port that keeps every message it accepts. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: CapturedMail[] = [];
  let refusing = false;
  let flaky: { dropEvery: number; loseAnswerEvery: number } | null = null;
  let connections = 0;
  let messages = 0;
  const dropped = { connections: 0, answers: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      if (flaky && connections % flaky.dropEvery === 0) {
        dropped.connections += 1;
        return callback(Object.assign(new Error('Too many connections, closing'), { responseCode: 421 }));
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (refusing) return callback(Object.assign(new Error('Service temporarily unavailable'), { responseCode: 451 }));
        const parsed = await simpleParser(Buffer.concat(chunks));
        const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
        mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : undefined, messageId: parsed.messageId });
        messages += 1;
        if (flaky && messages % flaky.loseAnswerEvery === 0) {
          dropped.answers += 1;
          return callback(Object.assign(new Error('Connection lost'), { responseCode: 451 }));
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse: () => (refusing = true),
    accept: () => {
      refusing = false;
      flaky = null;
    },
    flaky: (options) => (flaky = options),
    dropped,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
