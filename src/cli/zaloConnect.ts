import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config';
import { createLogger } from '../logger';
import { recordAudit } from '../store/audit';
import { inTransaction, openStore } from '../store/db';
import { ZaloClient } from '../zalo/client';
import { ZaloApiError } from '../zalo/errors';
import { challengeOf, consentUrl, CONSENT_TTL_MS, newVerifier } from '../zalo/oauth';
import { saveTokenPair } from '../zalo/tokens';
import { randomBytes } from 'node:crypto';

/**
 * Connects the OA from a terminal (servers without a browser for the staff page):
 *   npm run zalo:connect                 prints the consent link, then waits for the code on stdin
 *   npm run zalo:connect -- --code XYZ   finishes a consent started within the last 10 minutes
 * The input may be the bare code or the whole address Zalo redirected to (code, state and oa_id are read
 * from it). The PKCE verifier is kept in DATA_DIR/zalo-consent.json (mode 600) until used or expired.
 */

interface SavedConsent {
  verifier: string;
  state: string;
  redirectUri: string;
  createdAt: number;
}

function parseInput(input: string): { code: string; state?: string; oaId?: string } | null {
  const text = input.trim();
  if (!text) return null;
  if (/^https?:\/\//i.test(text)) {
    const url = new URL(text);
    const code = url.searchParams.get('code');
    if (!code) return null;
    return { code, state: url.searchParams.get('state') ?? undefined, oaId: url.searchParams.get('oa_id') ?? undefined };
  }
  return /^\S{1,2048}$/.test(text) ? { code: text } : null;
}

async function readLine(prompt: string): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: Boolean(process.stdin.isTTY) });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(prompt, (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.on('close', () => {
      if (!answered) resolve(null);
    });
  });
}

// eslint-disable-next-line max-lines-per-function -- longer than 80 lines: to be split
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { code: { type: 'string' }, 'redirect-uri': { type: 'string' } },
  });
  const config = loadConfigOrExit();
  if (config.zalo.mode !== 'live') {
    console.error('ZALO_MODE=simulator: the built-in simulator issues its own tokens; set the OA credentials (ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY) to connect a real OA.');
    return 78;
  }
  const file = join(config.dataDir, 'zalo-consent.json');
  const now = () => Date.now();
  let given = values.code ?? positionals[0];

  let saved: SavedConsent | null = null;
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as SavedConsent;
    } catch {
      saved = null;
    }
    if (saved && saved.createdAt + CONSENT_TTL_MS < now()) saved = null;
  }

  if (!given) {
    const redirectUri = values['redirect-uri'] ?? `${config.http.publicBaseUrl}/staff/zalo/callback`;
    saved = { verifier: newVerifier(), state: randomBytes(16).toString('base64url'), redirectUri, createdAt: now() };
    writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
    chmodSync(file, 0o600);
    const url = consentUrl({ oauthBase: config.zalo.oauthBase, appId: config.zalo.appId, redirectUri, codeChallenge: challengeOf(saved.verifier), state: saved.state });
    console.log('Mở liên kết sau bằng tài khoản Zalo quản trị OA và bấm đồng ý (hiệu lực 10 phút):');
    console.log(url);
    console.log('Sau khi đồng ý, Zalo chuyển tới địa chỉ có "code=...": dán cả địa chỉ đó (hoặc chỉ mã code) vào đây.');
    const line = await readLine('code: ');
    if (line === null || !line.trim()) {
      console.log('Chưa nhận được mã. Trong 10 phút, chạy: npm run zalo:connect -- --code <mã>');
      return 0;
    }
    given = line;
  }

  const input = parseInput(given);
  if (!input) {
    console.error('Không đọc được mã: dán mã code hoặc cả địa chỉ Zalo chuyển tới.');
    return 2;
  }
  if (!saved) {
    console.error('Không có lần kết nối nào đang chờ (hoặc đã quá 10 phút). Chạy lại: npm run zalo:connect');
    return 2;
  }
  if (input.state && input.state !== saved.state) {
    console.error('Mã này thuộc một lần kết nối khác (state không khớp). Chạy lại: npm run zalo:connect');
    return 2;
  }
  if (input.oaId && config.zalo.expectedOaId && input.oaId !== config.zalo.expectedOaId) {
    console.error(`Zalo trả về OA ${input.oaId}, không phải OA đã cấu hình (ZALO_OA_ID=${config.zalo.expectedOaId}). Không lưu gì.`);
    return 2;
  }

  const logger = createLogger('silent');
  const client = new ZaloClient(
    { apiBase: config.zalo.apiBase, oauthBase: config.zalo.oauthBase, appId: config.zalo.appId, appSecret: config.zalo.appSecret, timeoutMs: config.zalo.httpTimeoutMs, proxyUrl: config.zalo.httpProxy },
    {
      current: () => Promise.reject(new Error('no token needed to exchange a code')),
      refreshAfterRejection: () => Promise.reject(new Error('no token needed to exchange a code')),
    },
  );
  let pair;
  try {
    pair = await client.exchangeCode(input.code, saved.verifier);
  } catch (err) {
    const code = err instanceof ZaloApiError ? err.code : 0;
    console.error(`Zalo từ chối mã (mã lỗi ${code}${err instanceof Error ? `: ${err.message}` : ''}). Không lưu gì; chạy lại: npm run zalo:connect`);
    return 1;
  }
  const store = openStore(config.databaseFile);
  try {
    const at = now();
    inTransaction(store.db, (tx) => {
      saveTokenPair(store.db, pair, at);
      recordAudit(tx, { type: 'system', id: 'cli' }, { action: 'zalo.connect', entity: 'oa_tokens', entityId: 1, detail: { oaId: input.oaId ?? null, expiresIn: pair.expiresIn } }, at);
    });
    rmSync(file, { force: true });
    logger.info({}, 'zalo OA connected from the command line');
    console.log(`Đã kết nối Zalo OA${input.oaId ? ` ${input.oaId}` : ''}: lưu cặp mã vào ${config.databaseFile}; mã truy cập hết hạn sau ${Math.round(pair.expiresIn / 3600)} giờ và sẽ tự làm mới.`);
    return 0;
  } finally {
    store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
