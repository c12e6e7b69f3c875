import { Hono } from 'hono';
import { raw } from 'hono/html';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Clock } from '../../clock';
import { formatPhone, normalizePhone } from '../../domain/shared/phone';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { FakeUser, FakeZaloApi } from '../../zalo/fakeApi';
import { followEvent, locationEvent, signEvent, submitInfoEvent, userTextEvent, type EventIds } from '../../zalo/eventBuilders';
import type { AppEnv } from '../app';
import { validate } from '../validation';
import { DevLayout, jsonForScript } from './layout';
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
export const SIMULATED_LOCATION = { latitude: 20.8561, longitude: 106.6822, label: 'Vị trí mô phỏng, TP. Hải Phòng' };

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

const publicUser = (u: FakeUser) => ({ userId: u.userId, displayName: u.displayName, phone: u.phone ?? null, isFollower: u.isFollower });

export function chatRoutes(deps: ChatDeps) {
  const { fake, transcript } = deps;

  const requireUser = (userId: string): FakeUser => {
    const user = fake.users.get(userId);
    if (!user) throw new AppError('not_found', `no simulated user ${userId}`);
    return user;
  };

  /** POSTs a signed event to this server's own webhook, as Zalo would, and notes a refusal in the chat. */
  const deliver = async (userId: string, event: { app_id: string; timestamp: string }) => {
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
      transcript.add(userId, { from: 'system', kind: 'error', text: `Máy chủ từ chối sự kiện (${reason}).` });
      deps.logger.warn({ status: res.status, code: body?.error?.code }, 'simulated webhook event refused');
    }
    return { ok: res.ok, webhookStatus: res.status };
  };

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
    .post('/api/users/:userId/text', validate('param', UserIdParam), validate('json', TextBody), async (c) => {
      const { userId } = c.req.valid('param');
      const { text } = c.req.valid('json');
      requireUser(userId);
      // On Zalo, the user's own action is what opens the 7-day window, before any answer can come.
      fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: 'text', text });
      return c.json(await deliver(userId, userTextEvent(deps.ids, userId, text, deps.clock.now())));
    })
    .post('/api/users/:userId/share-phone', validate('param', UserIdParam), async (c) => {
      const { userId } = c.req.valid('param');
      const user = requireUser(userId);
      if (!user.phone) throw new AppError('conflict', 'this simulated user has no phone number');
      fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: 'share_phone', phone: user.phone });
      // Zalo hands phones over as 84XXXXXXXXX (ZALO.md §6).
      const event = submitInfoEvent(deps.ids, userId, { name: user.displayName, phone: user.phone }, deps.clock.now());
      return c.json(await deliver(userId, event));
    })
    .post('/api/users/:userId/location', validate('param', UserIdParam), validate('json', LocationBody), async (c) => {
      const { userId } = c.req.valid('param');
      const body = c.req.valid('json');
      requireUser(userId);
      const given =
        body.latitude !== undefined && body.longitude !== undefined ? { latitude: body.latitude, longitude: body.longitude, label: '' } : null;
      const { latitude, longitude, label } = given ?? SIMULATED_LOCATION;
      fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: 'location', latitude, longitude, label });
      return c.json(await deliver(userId, locationEvent(deps.ids, userId, latitude, longitude, deps.clock.now(), label)));
    })
    .post('/api/users/:userId/follow', validate('param', UserIdParam), validate('json', FollowBody), async (c) => {
      const { userId } = c.req.valid('param');
      const { follow } = c.req.valid('json');
      requireUser(userId);
      fake.upsertUser({ userId, isFollower: follow });
      if (follow) fake.touch(userId);
      transcript.add(userId, { from: 'user', kind: follow ? 'follow' : 'unfollow' });
      const result = await deliver(userId, followEvent(deps.ids, userId, deps.clock.now(), follow));
      return c.json({ ...result, isFollower: follow });
    })
    .get('/api/users/:userId/stream', validate('param', UserIdParam), validate('header', StreamHeaders), (c) => {
      const { userId } = c.req.valid('param');
      requireUser(userId);
      const lastSeen = Number(c.req.valid('header')['last-event-id'] ?? 0);
      return streamSSE(c, async (stream) => {
        let writing = Promise.resolve();
        const send = (entry: ChatEntry) => {
          writing = writing
            .then(() => stream.writeSSE({ id: String(entry.seq), event: 'entry', data: JSON.stringify(entry) }))
            .catch(() => undefined);
        };
        // Replay and subscribe in one synchronous step: nothing can slip in between.
        for (const entry of transcript.since(userId, lastSeen)) send(entry);
        const unsubscribe = transcript.subscribe(userId, send);
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
    });
}

const chatCss = `
.layout{display:grid;grid-template-columns:minmax(260px,330px) minmax(0,1fr);gap:1rem;align-items:start}
@media (max-width:820px){.layout{grid-template-columns:1fr}.layout .side{order:2}}
.side{display:flex;flex-direction:column;gap:1rem}
.users{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.3rem;max-height:40vh;overflow:auto}
.users a{display:flex;align-items:center;gap:.6rem;padding:.45rem .6rem;border-radius:.6rem;text-decoration:none;color:inherit}
.users a:hover{background:#eef4ff}
.users a[aria-current=true]{background:#dbe8ff;font-weight:600}
.users .sub{display:block;font-size:.75rem;color:#5c6b7a;font-weight:400}
.avatar{flex:none;width:2.2rem;height:2.2rem;border-radius:50%;display:grid;place-items:center;background:#9fb7d3;color:#fff;font-weight:700;font-size:.85rem}
.avatar.oa{background:#0068ff}
.phone{display:flex;flex-direction:column;height:calc(100vh - 5.5rem);min-height:560px;max-width:560px;width:100%;margin:0 auto;background:#e2e9f1;border-radius:1.2rem;overflow:hidden;box-shadow:0 4px 18px rgba(0,40,100,.15);border:1px solid #cfd8e3}
.phone-head{display:flex;align-items:center;gap:.7rem;padding:.7rem 1rem;background:#0068ff;color:#fff}
.phone-head .who{flex:1;min-width:0}
.phone-head .who strong{display:block;font-size:.9rem;line-height:1.25}
.phone-head .who span{font-size:.75rem;opacity:.9}
.conn{font-size:.7rem;padding:.15rem .5rem;border-radius:1rem;background:rgba(255,255,255,.2);white-space:nowrap}
.conn.on::before{content:"";display:inline-block;width:.5rem;height:.5rem;border-radius:50%;background:#5be37d;margin-right:.35rem}
.messages{flex:1;overflow-y:auto;padding:1rem .8rem;display:flex;flex-direction:column;gap:.7rem}
.empty{margin:auto;text-align:center;color:#4a5a6a;font-size:.9rem;max-width:22rem}
.row{display:flex;gap:.5rem;align-items:flex-end}
.row.me{justify-content:flex-end}
.bubble{max-width:82%;padding:.6rem .85rem;border-radius:1rem;font-size:1.05rem;line-height:1.45;white-space:pre-wrap;overflow-wrap:anywhere;box-shadow:0 1px 1px rgba(0,0,0,.06)}
.bubble.oa{background:#fff;border-bottom-left-radius:.3rem}
.bubble.me{background:#d4e6ff;border-bottom-right-radius:.3rem}
.bubble time{display:block;font-size:.7rem;color:#6b7b8b;margin-top:.25rem}
.bubble .choices{display:flex;flex-direction:column;gap:.4rem;margin-top:.6rem;white-space:normal}
.choice{width:100%;min-height:2.6rem;padding:.45rem .8rem;border:1px solid #0068ff;background:#f3f8ff;color:#0051c7;border-radius:.6rem;font-weight:600;font-size:1rem;cursor:pointer;text-align:center}
.choice:hover{background:#e0edff}
.choice:disabled{opacity:.55;cursor:default}
.bubble.card{border-top:4px solid #0068ff;min-width:60%}
.card-title{font-weight:700}
.card-sub{color:#3d4d5d;font-size:.95rem;margin-top:.2rem}
.note{align-self:center;font-size:.8rem;color:#3d4d5d;background:rgba(255,255,255,.7);padding:.25rem .8rem;border-radius:1rem;text-align:center;max-width:90%}
.note.error{color:#8a1c12;background:#fde7e4}
.actions{display:flex;gap:.5rem;padding:.5rem .8rem 0;flex-wrap:wrap;background:#f7f9fb;border-top:1px solid #d5dde6}
.actions .btn{min-height:2.2rem;font-size:.85rem;padding:.3rem .8rem}
.composer{display:flex;gap:.5rem;padding:.6rem .8rem .8rem;background:#f7f9fb}
.composer input{flex:1;min-width:0;font-size:1.05rem;padding:.6rem .9rem;border-radius:1.5rem;border:1px solid #b8c4d0}
.composer .btn{border-radius:1.5rem;min-width:5rem}
.placeholder{display:grid;place-items:center;text-align:center;padding:3rem 1rem;color:#3d4d5d}
.placeholder strong{display:block;font-size:1.2rem;margin-bottom:.4rem;color:#1b2733}
`;

const initials = (name: string) =>
  name
    .trim()
    .split(/\s+/)
    .slice(-2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');

type PublicUser = ReturnType<typeof publicUser>;

const PinIcon = () => (
  <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
    <path d="M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" />
  </svg>
);

function ChatPage(props: { user?: FakeUser; missingUserId?: string; users: PublicUser[]; oaName: string }) {
  const { user } = props;
  const config = user ? { userId: user.userId, isFollower: user.isFollower, api: `/dev/api/users/${user.userId}` } : null;
  return (
    <DevLayout title={user ? `Trò chuyện: ${user.displayName}` : 'Trò chuyện Zalo'} section="chat" css={chatCss}>
      <div class="layout">
        <aside class="side">
          <section class="panel" aria-labelledby="users-title">
            <h2 id="users-title">Người dùng Zalo mô phỏng</h2>
            {props.users.length === 0 ? (
              <p class="muted">Chưa có ai. Hãy tạo một người dùng bên dưới.</p>
            ) : (
              <ul class="users">
                {props.users.map((u) => (
                  <li>
                    <a href={`/dev/chat?user=${u.userId}`} aria-current={u.userId === user?.userId ? 'true' : undefined}>
                      <span class="avatar" aria-hidden="true">
                        {initials(u.displayName)}
                      </span>
                      <span>
                        {u.displayName}
                        <span class="sub">{u.phone ? formatPhone(u.phone) : 'chưa có số điện thoại'}</span>
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
            <p class="muted">Mỗi người mở trong một thẻ riêng để trò chuyện cùng lúc.</p>
          </section>
          <section class="panel" aria-labelledby="new-user-title">
            <h2 id="new-user-title">Tạo người dùng mới</h2>
            <form id="new-user" novalidate>
              <label for="new-name">Tên hiển thị</label>
              <input id="new-name" name="displayName" type="text" autocomplete="off" placeholder="Nguyễn Văn An" required />
              <label for="new-phone">Số điện thoại</label>
              <input id="new-phone" name="phone" type="tel" autocomplete="off" placeholder="0912 345 678" required />
              <p class="error" id="new-user-error" role="alert"></p>
              <button class="btn" type="submit">
                Tạo và bắt đầu trò chuyện
              </button>
            </form>
          </section>
        </aside>
        {user ? (
          <section class="phone" aria-label={`Cuộc trò chuyện của ${user.displayName}`}>
            <div class="phone-head">
              <span class="avatar oa" aria-hidden="true">
                BV
              </span>
              <div class="who">
                <strong>{props.oaName}</strong>
                <span>
                  Bạn là: {user.displayName}
                  {user.phone ? ` · ${formatPhone(user.phone)}` : ''}
                </span>
              </div>
              <span class="conn" id="conn" role="status">
                Đang kết nối…
              </span>
            </div>
            <div class="messages" id="messages" aria-live="polite">
              <p class="empty" id="empty">
                Gõ «menu» hoặc «xin chào» để bắt đầu. Tin nhắn của Official Account sẽ hiện ở đây.
              </p>
            </div>
            <div class="actions">
              <button class="btn secondary" type="button" id="send-location">
                <PinIcon />
                Gửi vị trí
              </button>
              <button class="btn secondary" type="button" id="toggle-follow">
                {user.isFollower ? 'Bỏ quan tâm OA' : 'Quan tâm OA'}
              </button>
            </div>
            <form class="composer" id="composer">
              <input id="composer-text" type="text" autocomplete="off" placeholder="Nhập tin nhắn…" aria-label="Tin nhắn" maxlength={2000} />
              <button class="btn" type="submit">
                Gửi
              </button>
            </form>
          </section>
        ) : (
          <section class="panel placeholder">
            <div>
              <strong>{props.missingUserId ? 'Không tìm thấy người dùng này' : 'Chọn hoặc tạo một người dùng'}</strong>
              {props.missingUserId
                ? 'Trình mô phỏng có thể đã khởi động lại. Hãy tạo người dùng mới ở bên trái.'
                : 'Trang này đóng vai một cán bộ nhắn tin cho Official Account qua Zalo.'}
            </div>
          </section>
        )}
      </div>
      <script id="chat-config" type="application/json">
        {raw(jsonForScript(config))}
      </script>
      <script src="/dev/chat.js" defer></script>
    </DevLayout>
  );
}

/** The page's behaviour, in plain browser JavaScript. Text goes in with textContent only, never as HTML. */
const chatScript = `
(() => {
  const $ = (id) => document.getElementById(id);
  async function call(url, body) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const err = data && data.error;
      const detail = err && Array.isArray(err.details) && err.details[0] && err.details[0].message;
      throw new Error(detail || (err && err.message) || ('Lỗi HTTP ' + res.status));
    }
    return data;
  }

  const newUser = $('new-user');
  newUser.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('new-user-error').textContent = '';
    try {
      const data = await call('/dev/api/users', { displayName: $('new-name').value, phone: $('new-phone').value });
      location.href = '/dev/chat?user=' + encodeURIComponent(data.user.userId);
    } catch (err) {
      $('new-user-error').textContent = err.message;
    }
  });

  const cfg = JSON.parse($('chat-config').textContent);
  if (!cfg) return;

  const list = $('messages');
  const input = $('composer-text');
  let lastSeq = 0;
  let following = cfg.isFollower;

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const time = (ms) => {
    const t = el('time', '', new Date(ms).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' }));
    t.dateTime = new Date(ms).toISOString();
    return t;
  };
  const phoneText = (p) => { const l = p.startsWith('84') ? '0' + p.slice(2) : p; return l.length === 10 ? l.slice(0, 4) + ' ' + l.slice(4, 7) + ' ' + l.slice(7) : l; };
  const note = (text, isError) => {
    $('empty') && $('empty').remove();
    list.append(el('p', isError ? 'note error' : 'note', text));
    list.scrollTop = list.scrollHeight;
  };

  async function act(button, url, body) {
    if (button) button.disabled = true;
    try {
      return await call(cfg.api + url, body);
    } catch (err) {
      note('Không gửi được: ' + err.message, true);
      return null;
    } finally {
      if (button) button.disabled = false;
    }
  }

  function oaRow(bubble) {
    const row = el('div', 'row oa');
    const av = el('span', 'avatar oa', 'BV');
    av.setAttribute('aria-hidden', 'true');
    row.append(av, bubble);
    return row;
  }

  function render(e) {
    if (e.from === 'system') return note(e.text, true);
    if (e.kind === 'follow') return note('Bạn đã quan tâm Official Account.');
    if (e.kind === 'unfollow') return note('Bạn đã bỏ quan tâm Official Account.');
    $('empty') && $('empty').remove();
    let row;
    if (e.from === 'user') {
      const b = el('div', 'bubble me');
      if (e.kind === 'text') b.append(e.text);
      else if (e.kind === 'location') b.append('Đã gửi vị trí: ' + e.latitude.toFixed(4) + ', ' + e.longitude.toFixed(4) + (e.label ? '\\n' + e.label : ''));
      else if (e.kind === 'share_phone') b.append('Đã chia sẻ số điện thoại ' + phoneText(e.phone));
      b.append(time(e.at));
      row = el('div', 'row me');
      row.append(b);
    } else {
      const b = el('div', e.kind === 'request_user_info' ? 'bubble oa card' : 'bubble oa');
      if (e.kind === 'request_user_info') {
        b.append(el('div', 'card-title', e.title));
        if (e.subtitle) b.append(el('div', 'card-sub', e.subtitle));
        const choices = el('div', 'choices');
        const share = el('button', 'choice', 'Chia sẻ số điện thoại');
        share.type = 'button';
        share.addEventListener('click', () => act(share, '/share-phone'));
        choices.append(share);
        b.append(choices);
      } else {
        b.append(e.text);
        if (e.buttons && e.buttons.length) {
          const choices = el('div', 'choices');
          for (const btn of e.buttons) {
            if (btn.url) {
              const a = el('a', 'choice', btn.title);
              a.href = btn.url; a.target = '_blank'; a.rel = 'noopener';
              choices.append(a);
              continue;
            }
            const button = el('button', 'choice', btn.title);
            button.type = 'button';
            if (btn.payload) button.addEventListener('click', () => act(null, '/text', { text: btn.payload }));
            else if (btn.phone) button.addEventListener('click', () => note('Gọi điện: ' + phoneText(btn.phone)));
            else button.disabled = true;
            choices.append(button);
          }
          b.append(choices);
        }
      }
      b.append(time(e.at));
      row = oaRow(b);
    }
    list.append(row);
    list.scrollTop = list.scrollHeight;
  }

  const conn = $('conn');
  const source = new EventSource(cfg.api + '/stream');
  source.addEventListener('open', () => { conn.textContent = 'Đã kết nối'; conn.classList.add('on'); });
  source.addEventListener('error', () => { conn.textContent = 'Mất kết nối, đang thử lại…'; conn.classList.remove('on'); });
  source.addEventListener('entry', (ev) => {
    const entry = JSON.parse(ev.data);
    if (entry.seq <= lastSeq) return;
    lastSeq = entry.seq;
    render(entry);
  });

  $('composer').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    const ok = await act(null, '/text', { text });
    if (!ok) input.value = text;
    input.focus();
  });

  $('send-location').addEventListener('click', (ev) => act(ev.currentTarget, '/location', {}));

  const toggle = $('toggle-follow');
  toggle.addEventListener('click', async () => {
    const data = await act(toggle, '/follow', { follow: !following });
    if (data) following = data.isFollower;
    toggle.textContent = following ? 'Bỏ quan tâm OA' : 'Quan tâm OA';
  });

  input.focus();
})();
`;
