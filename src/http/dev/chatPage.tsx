import { formatPhone } from '../../domain/shared/phone';
import { raw } from 'hono/html';
import type { FakeUser } from '../../zalo/fakeApi/contract';
import { DevLayout, jsonForScript } from './layout';

/** The simulator's chat page: the users on the left, a phone-sized Zalo chat on the right. */

/** What the page shows of a simulated user. */
export const publicUser = (u: FakeUser) => ({ userId: u.userId, displayName: u.displayName, phone: u.phone ?? null, isFollower: u.isFollower });

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

/** The simulated users, each a link that opens their chat. */
function UserList(props: { users: PublicUser[]; current?: string }) {
  return (
    <section class="panel" aria-labelledby="users-title">
      <h2 id="users-title">Người dùng Zalo mô phỏng</h2>
      {props.users.length === 0 ? (
        <p class="muted">Chưa có ai. Hãy tạo một người dùng bên dưới.</p>
      ) : (
        <ul class="users">
          {props.users.map((u) => (
            <li>
              <a href={`/dev/chat?user=${u.userId}`} aria-current={u.userId === props.current ? 'true' : undefined}>
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
  );
}

function NewUserForm() {
  return (
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
  );
}

/** The chat of one user as on a phone: the OA's messages, location, follow, and the composer. */
function PhoneChat(props: { user: FakeUser; oaName: string }) {
  const { user } = props;
  return (
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
  );
}

export function ChatPage(props: { user?: FakeUser; missingUserId?: string; users: PublicUser[]; oaName: string }) {
  const { user } = props;
  const config = user ? { userId: user.userId, isFollower: user.isFollower, api: `/dev/api/users/${user.userId}` } : null;
  return (
    <DevLayout title={user ? `Trò chuyện: ${user.displayName}` : 'Trò chuyện Zalo'} section="chat" css={chatCss}>
      <div class="layout">
        <aside class="side">
          <UserList users={props.users} current={user?.userId} />
          <NewUserForm />
        </aside>
        {user ? (
          <PhoneChat user={user} oaName={props.oaName} />
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
