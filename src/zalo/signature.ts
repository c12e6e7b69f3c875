import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Zalo's webhook signature: lowercase hex of a plain SHA-256 (not an HMAC) over
 * app_id + raw body bytes + timestamp + OA secret key, sent as `X-ZEvent-Signature: mac=<hex>`.
 */
export function zaloSignature(appId: string, rawBody: Uint8Array, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(appId).update(rawBody).update(timestamp).update(oaSecretKey).digest('hex');
}

export function signatureHeader(appId: string, rawBody: Uint8Array, timestamp: string, oaSecretKey: string): string {
  return `mac=${zaloSignature(appId, rawBody, timestamp, oaSecretKey)}`;
}

/** Constant-time check of a header value with or without the `mac=` prefix. */
export function verifyZaloSignature(
  header: string | undefined,
  appId: string,
  rawBody: Uint8Array,
  timestamp: string,
  oaSecretKey: string,
): boolean {
  if (!header) return false;
  const given = header.trim().replace(/^mac=/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = zaloSignature(appId, rawBody, timestamp, oaSecretKey);
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}
