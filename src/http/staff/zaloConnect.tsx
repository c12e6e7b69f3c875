import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { recordAudit } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import { oaTokens } from '../../store/schema';
import type { TokenPair } from '../../zalo/client';
import { ZaloApiError } from '../../zalo/errors';
import { consentUrl, challengeOf, CONSENT_TTL_MS, type PendingConsents } from '../../zalo/oauth';
import { saveTokenPair } from '../../zalo/tokens';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate } from '../validation';
import { CsrfField } from './layout';
import { staffActor } from '../../domain/staff/actor';
import { fmtDateTime, page, type StaffContext } from './ui';

export interface ZaloConnectDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  committeeName: string;
  mode: 'live' | 'simulator';
  appId: string;
  oauthBase: string;
  publicBaseUrl: string;
  /** When set, a consent must come back from this OA. */
  expectedOaId?: string;
  consents: PendingConsents;
  exchangeCode: (code: string, verifier: string) => Promise<TokenPair>;
}

export const ZALO_CONNECT_PATH = '/staff/zalo';
const zaloCallbackUrl = (publicBaseUrl: string) => `${publicBaseUrl}${ZALO_CONNECT_PATH}/callback`;


const CallbackQuery = z.object({
  code: z.string().trim().min(1).max(2048).optional(),
  state: z.string().trim().min(1).max(200).optional(),
  oa_id: z.string().trim().regex(/^\d{1,32}$/).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(500).optional(),
});

const HOUR = 3600_000;

function remaining(ms: number): string {
  if (ms <= 0) return 'đã hết hạn';
  const h = Math.floor(ms / HOUR);
  const m = Math.floor((ms % HOUR) / 60_000);
  return h ? `còn ${h} giờ ${m} phút` : `còn ${m} phút`;
}

/** How the stored token pair looks to an administrator. */
function tokenHealth(db: Db, now: number) {
  const row = db.select().from(oaTokens).where(eq(oaTokens.id, 1)).get();
  if (!row) return { state: 'missing' as const, row: null };
  const failedSinceRefresh = row.lastErrorAt !== null && row.lastErrorAt > (row.refreshedAt ?? 0);
  const state = failedSinceRefresh ? ('failing' as const) : row.accessExpiresAt <= now ? ('expired' as const) : ('ok' as const);
  return { state, row };
}

const stateBadge = {
  ok: <span class="badge ok">Đang hoạt động</span>,
  expired: <span class="badge warn">Mã truy cập hết hạn (sẽ tự làm mới khi gửi)</span>,
  failing: <span class="badge bad">Làm mới thất bại: cần kết nối lại</span>,
  missing: <span class="badge bad">Chưa kết nối</span>,
};

function ConnectPage(props: { deps: ZaloConnectDeps; csrf: string; now: number }) {
  const { deps, now } = props;
  const health = tokenHealth(deps.db, now);
  const row = health.row;
  return (
    <>
      <div class="card">
        <h2 style="margin-top:0">Tình trạng kết nối {stateBadge[health.state]}</h2>
        <dl class="kv">
          <dt>Mã truy cập hết hạn</dt>
          <dd>{row ? `${fmtDateTime(row.accessExpiresAt)} (${remaining(row.accessExpiresAt - now)})` : 'Chưa có'}</dd>
          <dt>Làm mới lần cuối</dt>
          <dd>{row?.refreshedAt ? fmtDateTime(row.refreshedAt) : 'Chưa có'}</dd>
          <dt>Lỗi gần nhất</dt>
          <dd>
            {row?.lastError ? (
              <>
                <span class={health.state === 'failing' ? 'badge bad' : 'badge'}>{fmtDateTime(row.lastErrorAt)}</span> {row.lastError}
              </>
            ) : (
              'Không có'
            )}
          </dd>
          <dt>Chế độ</dt>
          <dd>{deps.mode === 'live' ? 'Zalo thật' : 'Mô phỏng (không gửi tới Zalo thật)'}</dd>
        </dl>
      </div>
      <div class="card">
        <h2 style="margin-top:0">{row ? 'Kết nối lại' : 'Kết nối'} Zalo OA</h2>
        <p>
          Một quản trị viên của Zalo OA bấm nút dưới đây, đăng nhập Zalo và đồng ý cấp quyền cho ứng dụng. Zalo chuyển về trang này và
          CadreCare lưu cặp mã mới; mã truy cập sống 25 giờ và được tự làm mới.
        </p>
        <form method="post" action={`${ZALO_CONNECT_PATH}/connect`} class="actions">
          <CsrfField token={props.csrf} />
          <button class="btn" type="submit">
            Kết nối Zalo OA
          </button>
          <span class="small muted">Liên kết đồng ý có hiệu lực {CONSENT_TTL_MS / 60_000} phút.</span>
        </form>
      </div>
      <div class="card small">
        <h2 style="margin-top:0">Cài đặt trong trang Zalo for Developers</h2>
        <dl class="kv">
          <dt>App ID</dt>
          <dd>
            <code>{deps.appId}</code>
          </dd>
          <dt>Callback URL (đăng ký cho ứng dụng)</dt>
          <dd>
            <code>{zaloCallbackUrl(deps.publicBaseUrl)}</code>
          </dd>
          <dt>Webhook URL</dt>
          <dd>
            <code>{deps.publicBaseUrl}/webhooks/zalo</code>
          </dd>
          <dt>OA ID mong đợi</dt>
          <dd>{deps.expectedOaId ? <code>{deps.expectedOaId}</code> : <span class="muted">chưa đặt ZALO_OA_ID (không kiểm tra)</span>}</dd>
        </dl>
        <p class="muted">
          Máy chủ không có trình duyệt: chạy <code>npm run zalo:connect</code>, mở liên kết được in ra, rồi dán mã (code) vào lệnh.
        </p>
      </div>
    </>
  );
}

/** /staff/zalo: token health, the OAuth v4 consent with PKCE, and its callback. Administrators only. */
export function zaloConnectPages(deps: ZaloConnectDeps) {
  const app = new Hono<StaffEnv>();
  app.use(requirePermission('oaConnection', 'manage'));

  const show = (c: StaffContext, flash?: { kind: 'ok' | 'bad' | 'warn'; text: string }, status?: 400 | 409 | 502) =>
    page(c, deps.committeeName, 'Kết nối Zalo OA', <ConnectPage deps={deps} csrf={c.get('csrfToken')} now={deps.clock.now()} />, { flash, status });

  app.get('/', validate('query', z.object({ connected: z.literal('1').optional() })), (c) =>
    show(c, c.req.valid('query').connected ? { kind: 'ok', text: 'Đã kết nối Zalo OA và lưu cặp mã mới.' } : undefined),
  );

  app.post('/connect', (c) => {
    const staff = currentStaff(c);
    const consent = deps.consents.start(String(staff.id));
    const now = deps.clock.now();
    recordAudit(deps.db, staffActor(staff), { action: 'zalo.connect_start', entity: 'oa_tokens', entityId: 1 }, now);
    deps.logger.info({ staffId: staff.id }, 'zalo OA consent started');
    return c.redirect(
      consentUrl({
        oauthBase: deps.oauthBase,
        appId: deps.appId,
        redirectUri: zaloCallbackUrl(deps.publicBaseUrl),
        codeChallenge: challengeOf(consent.verifier),
        state: consent.state,
      }),
      303,
    );
  });

  app.get('/callback', validate('query', CallbackQuery), async (c) => {
    const staff = currentStaff(c);
    const q = c.req.valid('query');
    if (q.error || !q.code) {
      return show(c, { kind: 'bad', text: 'Zalo không cấp quyền (người dùng từ chối hoặc liên kết sai). Chưa có gì thay đổi; vui lòng thử lại.' }, 400);
    }
    // The state ties the answer to the consent this admin started here; without it any code could be planted.
    const consent = q.state ? deps.consents.take(String(staff.id), q.state) : null;
    if (!consent) {
      return show(c, { kind: 'bad', text: 'Phiên kết nối không hợp lệ hoặc đã quá 10 phút. Chưa có gì thay đổi; vui lòng bấm "Kết nối Zalo OA" lại.' }, 400);
    }
    if (deps.expectedOaId && q.oa_id && q.oa_id !== deps.expectedOaId) {
      return show(c, { kind: 'bad', text: `Zalo trả về OA ${q.oa_id}, không phải OA đã cấu hình (${deps.expectedOaId}). Chưa có gì thay đổi.` }, 409);
    }
    let pair: TokenPair;
    try {
      pair = await deps.exchangeCode(q.code, consent.verifier);
    } catch (err) {
      const code = err instanceof ZaloApiError ? err.code : 0;
      deps.logger.warn({ code, staffId: staff.id }, 'zalo OA code exchange failed');
      return show(c, { kind: 'bad', text: `Zalo từ chối mã cấp quyền (mã lỗi ${code}). Chưa có gì thay đổi; vui lòng kết nối lại.` }, 502);
    }
    const now = deps.clock.now();
    inTransaction(deps.db, (tx) => {
      saveTokenPair(deps.db, pair, now);
      recordAudit(tx, staffActor(staff), { action: 'zalo.connect', entity: 'oa_tokens', entityId: 1, detail: { oaId: q.oa_id ?? null, expiresIn: pair.expiresIn } }, now);
    });
    deps.logger.info({ staffId: staff.id, oaId: q.oa_id }, 'zalo OA connected');
    return c.redirect(`${ZALO_CONNECT_PATH}?connected=1`, 303);
  });
  return app;
}
