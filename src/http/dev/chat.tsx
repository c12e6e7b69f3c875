import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Clock } from '../../clock';
import { normalizePhone } from '../../domain/shared/phone';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { FakeZaloApi } from '../../zalo/fakeApi';
import type { FakeUser } from '../../zalo/fakeApi/contract';
import { followEvent, locationEvent, signEvent, submitInfoEvent, userTextEvent, type EventIds } from '../../zalo/eventBuilders';
import type { AppEnv } from '../app';
import { validate } from '../validation';
import { ChatPage, publicUser } from './chatPage';
import { chatScript } from './chatScript';
import { newSimulatedUserId, type ChatEntry, type Transcript } from './transcript';

/**
 * The simulator's chat: a page that plays a cadre on Zalo, and the small API behind it. Whatever the
 * page does becomes a real, signed Zalo webhook event POSTed over HTTP to this server's own
 * /webhooks/zalo; what the OA sends back is read off the fake Zalo API and streamed to the page.
 */

export interface ChatDeps {
  fake: FakeZaloApi;
  transcript: Transcript;
  clock: Clock;
  logger: Logger;
  ids: EventIds;
  oaSecretKey: string;
  /** Shown as the OA's name in the chat header. */
  oaName: string;
  /** Base URL of this server once it listens (the webhook is POSTed there, over the network). */
  selfUrl: () => string | undefined;
}

/** A fictional spot in central Hải Phòng, sent when the simulated user shares a location. */
const SIMULATED_LOCATION = { latitude: 20.8561, longitude: 106.6822, label: 'Vị trí mô phỏng, TP. Hải Phòng' };

const UserIdParam = z.object({ userId: z.string().regex(/^\d{1,32}$/, 'a Zalo user id is a string of digits') });

const NewUser = z.object({
  displayName: z.string().trim().min(1, 'Xin nhập tên hiển thị').max(60, 'Tên hiển thị tối đa 60 ký tự'),
  phone: z
    .string()
    .trim()
    .transform((v, ctx) => {
      const e164 = normalizePhone(v);
      if (!e164) {
        ctx.addIssue({ code: 'custom', message: 'Số điện thoại không hợp lệ (ví dụ: 0912 345 678)' });
        return z.NEVER;
      }
      return e164;
    }),
});

const TextBody = z.object({ text: z.string().trim().min(1, 'Tin nhắn trống').max(2000, 'Tin nhắn tối đa 2.000 ký tự') });
const LocationBody = z.object({
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});
const FollowBody = z.object({ follow: z.boolean() });
const ChatQuery = z.object({ user: z.string().regex(/^\d{1,32}$/).optional() });
/** EventSource sends the last id it saw when it reconnects; the stream resumes after it. */
const StreamHeaders = z.object({ 'last-event-id': z.string().regex(/^\d{1,15}$/).optional() });

function requireUser(deps: ChatDeps, userId: string): FakeUser {
  const user = deps.fake.users.get(userId);
  if (!user) throw new AppError('not_found', `no simulated user ${userId}`);
  return user;
}

/** POSTs a signed event to this server's own webhook, as Zalo would, and notes a refusal in the chat. */
async function deliver(deps: ChatDeps, userId: string, event: { app_id: string; timestamp: string }) {
  const base = deps.selfUrl();
  if (!base) throw new AppError('unavailable', 'the web server is not listening, so the webhook cannot be called');
  const signed = signEvent(event, deps.oaSecretKey);
  let res: Response;
  try {
    res = await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: signed.headers, body: signed.body });
  } catch (err) {
    throw new AppError('unavailable', `webhook unreachable: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) {
    const reason = body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
    deps.transcript.add(userId, { from: 'system', kind: 'error', text: `Máy chủ từ chối sự kiện (${reason}).` });
    deps.logger.warn({ status: res.status, code: body?.error?.code }, 'simulated webhook event refused');
  }
  return { ok: res.ok, webhookStatus: res.status };
}

/** The user's transcript as server-sent events: what they missed since `lastSeen`, then each new entry. */
function streamTranscript(c: Context, deps: ChatDeps, userId: string, lastSeen: number) {
  return streamSSE(c, async (stream) => {
    let writing = Promise.resolve();
    const send = (entry: ChatEntry) => {
      writing = writing
        .then(() => stream.writeSSE({ id: String(entry.seq), event: 'entry', data: JSON.stringify(entry) }))
        .catch(() => undefined);
    };
    // Replay and subscribe in one synchronous step: nothing can slip in between.
    for (const entry of deps.transcript.since(userId, lastSeen)) send(entry);
    const unsubscribe = deps.transcript.subscribe(userId, send);
    const heartbeat = setInterval(() => {
      writing = writing.then(() => stream.writeSSE({ event: 'ping', data: '' })).catch(() => undefined);
    }, 20_000);
    try {
      await new Promise<void>((resolve) => {
        if (stream.aborted || stream.closed) resolve();
        else stream.onAbort(resolve);
      });
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  });
}

/** The page, its script, the simulated users, and each user's live transcript. */
function pageRoutes(deps: ChatDeps) {
  const { fake } = deps;
  const latestUsers = () => [...fake.users.values()].reverse().map(publicUser);
  return new Hono<AppEnv>()
    // A file, not an inline script: the Content-Security-Policy allows scripts from this origin only.
    .get('/chat.js', (c) => c.body(chatScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }))
    .get('/chat', validate('query', ChatQuery), (c) => {
      const { user: userId } = c.req.valid('query');
      const user = userId ? fake.users.get(userId) : undefined;
      return c.html(
        <ChatPage user={user} missingUserId={userId && !user ? userId : undefined} users={latestUsers()} oaName={deps.oaName} />,
      );
    })
    .get('/api/users', (c) => c.json({ users: latestUsers() }))
    .post('/api/users', validate('json', NewUser), (c) => {
      const { displayName, phone } = c.req.valid('json');
      let userId = newSimulatedUserId();
      while (fake.users.has(userId)) userId = newSimulatedUserId();
      const user = fake.upsertUser({ userId, displayName, phone, isFollower: true });
      return c.json({ user: publicUser(user) }, 201);
    })
    .get('/api/users/:userId/stream', validate('param', UserIdParam), validate('header', StreamHeaders), (c) => {
      const { userId } = c.req.valid('param');
      requireUser(deps, userId);
      return streamTranscript(c, deps, userId, Number(c.req.valid('header')['last-event-id'] ?? 0));
    });
}

/** What a user does in the chat, each sent to the webhook as the matching signed Zalo event. */
function actionRoutes(deps: ChatDeps) {
  const { fake, transcript } = deps;
  return new Hono<AppEnv>()
    .post('/api/users/:userId/text', validate('param', UserIdParam), validate('json', TextBody), async (c) => {
      const { userId } = c.req.valid('param');
      const { text } = c.req.valid('json');
      requireUser(deps, userId);
      // On Zalo, the user's own action is what opens the 7-day window, before any answer can come.
      fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: 'text', text });
      return c.json(await deliver(deps, userId, userTextEvent(deps.ids, userId, text, deps.clock.now())));
    })
    .post('/api/users/:userId/share-phone', validate('param', UserIdParam), async (c) => {
      const { userId } = c.req.valid('param');
      const user = requireUser(deps, userId);
      if (!user.phone) throw new AppError('conflict', 'this simulated user has no phone number');
      fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: 'share_phone', phone: user.phone });
      // Zalo hands phones over as 84XXXXXXXXX (ZALO.md §6).
      const event = submitInfoEvent(deps.ids, userId, { name: user.displayName, phone: user.phone }, deps.clock.now());
      return c.json(await deliver(deps, userId, event));
    })
    .post('/api/users/:userId/location', validate('param', UserIdParam), validate('json', LocationBody), async (c) => {
      const { userId } = c.req.valid('param');
      const body = c.req.valid('json');
      requireUser(deps, userId);
      const given =
        body.latitude !== undefined && body.longitude !== undefined ? { latitude: body.latitude, longitude: body.longitude, label: '' } : null;
      const { latitude, longitude, label } = given ?? SIMULATED_LOCATION;
      fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: 'location', latitude, longitude, label });
      return c.json(await deliver(deps, userId, locationEvent(deps.ids, userId, latitude, longitude, deps.clock.now(), label)));
    })
    .post('/api/users/:userId/follow', validate('param', UserIdParam), validate('json', FollowBody), async (c) => {
      const { userId } = c.req.valid('param');
      const { follow } = c.req.valid('json');
      requireUser(deps, userId);
      fake.upsertUser({ userId, isFollower: follow });
      if (follow) fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: follow ? 'follow' : 'unfollow' });
      const result = await deliver(deps, userId, followEvent(deps.ids, userId, deps.clock.now(), follow));
      return c.json({ ...result, isFollower: follow });
    });
}

export function chatRoutes(deps: ChatDeps) {
  return new Hono<AppEnv>().route('/', pageRoutes(deps)).route('/', actionRoutes(deps));
}
