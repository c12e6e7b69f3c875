import { randomBytes } from 'node:crypto';
import { signEvent, userTextEvent } from '../src/zalo/eventBuilders';

export const BENCH_APP_ID = '4242424242424242424';
export const BENCH_OA_SECRET = 'bench-oa-secret-key';

/** Pre-signed user_send_text requests with unique msg_ids, spread over `users` users, so signing costs the load generator nothing. */
export function presignedTexts(count: number, users: number, texts = ['menu', '1', 'xin chào', 'abc', '4']) {
  const ids = { appId: BENCH_APP_ID, oaId: '5353535353535353535' };
  const base = 800_000_000_000_000_000n;
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const event = userTextEvent(ids, String(base + BigInt(i % users)), texts[i % texts.length]!, now, `${randomBytes(8).toString('hex')}${i}`);
    return signEvent(event, BENCH_OA_SECRET);
  });
}
