import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The key for acknowledge links, derived from the session secret so no second secret needs managing. */
export const ackKeyFrom = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('cadrecare request acknowledge links v1').digest();

const ackMac = (key: Buffer, requestId: number, staffId: number, expiresAt: number) =>
  createHmac('sha256', key).update(`ack|${requestId}|${staffId}|${expiresAt}`).digest('base64url');

export interface AckLinkParams {
  requestId: number;
  /** The staff member the link was sent to; 0 for a clinic's shared address. */
  staffId: number;
  expiresAt: number;
}

export function ackLink(baseUrl: string, key: Buffer, p: AckLinkParams): string {
  return `${baseUrl}/ack/requests/${p.requestId}?s=${p.staffId}&e=${p.expiresAt}&t=${ackMac(key, p.requestId, p.staffId, p.expiresAt)}`;
}

export const AckQuery = z.object({
  s: z.coerce.number().int().min(0),
  e: z.coerce.number().int().positive(),
  t: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** Checks an acknowledge link: 'forged' for a wrong signature, 'expired' past its time. */
export function verifyAckLink(key: Buffer, requestId: number, q: z.infer<typeof AckQuery>, now: number): 'ok' | 'forged' | 'expired' {
  const expected = Buffer.from(ackMac(key, requestId, q.s, q.e));
  const got = Buffer.from(q.t);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return 'forged';
  return q.e <= now ? 'expired' : 'ok';
}
