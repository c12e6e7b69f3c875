import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Transporter } from 'nodemailer';

interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Stable id so an SMTP retry of the same outbox row carries the same Message-ID. */
  messageId?: string;
}

export interface Mailer {
  /** Where mail goes: 'smtp' or 'file'. */
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * A transport made on the first mail: nodemailer (about 6 MB of heap) is loaded only by a process that sends
 * mail, and only when it does.
 */
function lazyTransport(options: string | Record<string, unknown>) {
  let made: Transporter | undefined;
  let making: Promise<Transporter> | undefined;
  return {
    get: () => (making ??= import('nodemailer').then((m) => (made = m.default.createTransport(options)))),
    close: () => made?.close(),
  };
}

/** SMTP through nodemailer when SMTP_URL is set; otherwise each message is written as an .eml file. */
export function createMailer(options: { smtpUrl?: string; from: string; dir: string }): Mailer {
  if (options.smtpUrl) {
    const transport = lazyTransport(options.smtpUrl);
    return {
      kind: 'smtp',
      async send(mail) {
        const info = await (await transport.get()).sendMail({ from: options.from, ...mail });
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }
  const dir = resolve(options.dir);
  const transport = lazyTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    async send(mail) {
      mkdirSync(dir, { recursive: true });
      const info = await (await transport.get()).sendMail({ from: options.from, ...mail });
      const safeId = info.messageId.replace(/[^a-zA-Z0-9.@-]/g, '');
      const file = join(dir, `${Date.now()}-${safeId}.eml`);
      writeFileSync(file, info.message as Buffer);
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}
