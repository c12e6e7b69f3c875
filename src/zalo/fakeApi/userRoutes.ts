import type { Context, Hono } from 'hono';
import { answerFault, envelope, jsonBody, type FakeRoute } from './contract';
import type { FakeZaloState } from './state';

/** What the OA may read: a user's quota and last interaction, profile, conversation history, and the OA itself. */
export function userRoutes(app: Hono, api: FakeZaloState): void {
  quota(app, api);
  userDetail(app, api);
  conversation(app, api);
  getOa(app, api);
}

/**
 * What a read answers before it looks at its data: a planned fault as planned, then a refused token. Every call
 * is recorded, with the fault's code or 0. Undefined when the read goes on.
 */
function refusedRead(c: Context, api: FakeZaloState, route: FakeRoute, userId: string | undefined) {
  const fault = api.takeFault(route, userId);
  api.calls.push({ route, userId, outcome: fault?.error ?? fault?.status ?? 0 });
  if (fault) return answerFault(c, fault);
  const tokenError = api.tokenError(c);
  if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
  return undefined;
}

// Quota and last-interaction check for one user ([U] shape: the client reads any last_interaction field).
function quota(app: Hono, api: FakeZaloState): void {
  app.post('/v3.0/oa/quota/message', async (c) => {
    const body = await jsonBody(c);
    const userId: string | undefined = body?.user_id;
    const refused = refusedRead(c, api, 'quota', userId);
    if (refused) return refused;
    if (typeof userId !== 'string' || !/^\d+$/.test(userId)) return c.json(envelope(-201, 'user_id is invalid'));
    const user = api.users.get(userId);
    return c.json(
      envelope(0, 'Success', {
        user_id: userId,
        last_interaction_time: user?.lastInteractionAt !== undefined ? String(user.lastInteractionAt) : undefined,
        quota: { template: { daily: api.templateQuota.daily, remain: api.templateQuota.remaining } },
      }),
    );
  });
}

/** The profile: name, follower, last interaction date (dd/mm/yyyy), and the phone once the user shared it. */
function userDetail(app: Hono, api: FakeZaloState): void {
  app.get('/v3.0/oa/user/detail', (c) => {
    let userId: string | undefined;
    try {
      userId = JSON.parse(c.req.query('data') ?? '{}').user_id;
    } catch {
      return c.json(envelope(-201, 'Parameter data is invalid'));
    }
    const refused = refusedRead(c, api, 'profile', userId);
    if (refused) return refused;
    const user = userId ? api.users.get(userId) : undefined;
    if (!user) return c.json(envelope(-201, 'user_id is invalid'));
    const last = user.lastInteractionAt ? new Date(user.lastInteractionAt) : undefined;
    return c.json(
      envelope(0, 'Success', {
        user_id: user.userId,
        user_id_by_app: `9${user.userId}`,
        display_name: user.displayName,
        user_is_follower: user.isFollower,
        user_last_interaction_date: last
          ? `${String(last.getUTCDate()).padStart(2, '0')}/${String(last.getUTCMonth() + 1).padStart(2, '0')}/${last.getUTCFullYear()}`
          : undefined,
        shared_info: user.phone ? { name: user.displayName, phone: user.phone } : undefined,
      }),
    );
  });
}

// Conversation history, newest first: what the OA sent this user (and nothing the user sent; the fake does not keep that).
function conversation(app: Hono, api: FakeZaloState): void {
  app.get('/v2.0/oa/conversation', (c) => {
    let q: { user_id?: string; offset?: number; count?: number };
    try {
      q = JSON.parse(c.req.query('data') ?? '{}');
    } catch {
      return c.json(envelope(-201, 'Parameter data is invalid'));
    }
    const refused = refusedRead(c, api, 'conversation', q.user_id);
    if (refused) return refused;
    if (typeof q.user_id !== 'string') return c.json(envelope(-201, 'user_id is invalid'));
    const offset = Math.max(0, Number(q.offset) || 0);
    const count = Math.min(10, Math.max(1, Number(q.count) || 10));
    const list = api.messagesTo(q.user_id)
      .slice()
      .reverse()
      .slice(offset, offset + count)
      .map((m) => ({
        src: 0,
        time: m.at,
        // How Zalo lists a request_user_info card is undocumented; the fake calls it a template with its title.
        type: m.kind === 'text' ? 'text' : 'template',
        message: m.kind === 'request_user_info' ? String((m.body as any)?.message?.attachment?.payload?.elements?.[0]?.title ?? '') : (m.text ?? ''),
        message_id: m.messageId,
        from_id: '2000000000000000002',
        to_id: m.userId,
      }));
    return c.json(envelope(0, 'Success', list));
  });
}

function getOa(app: Hono, api: FakeZaloState): void {
  app.get('/v2.0/oa/getoa', (c) => {
    const tokenError = api.tokenError(c);
    if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
    return c.json(envelope(0, 'Success', { oa_id: '2000000000000000002', name: 'Ban BV,CSSKCB (mô phỏng)' }));
  });
}
