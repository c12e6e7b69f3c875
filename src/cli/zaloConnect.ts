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
import { runCommand } from './run';

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

type Config = ReturnType<typeof loadConfigOrExit>;

/** The consent started by an earlier run, if it is still within its 10 minutes. */
function pendingConsent(file: string, now: number): SavedConsent | null {
  if (!existsSync(file)) return null;
  let saved: SavedConsent | null;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as SavedConsent;
  } catch {
    saved = null;
  }
  return saved && saved.createdAt + CONSENT_TTL_MS < now ? null : saved;
}

/** Starts a consent: saves the PKCE verifier, prints the link, and reads back the code (null when none was pasted). */
async function askConsent(config: Config, file: string, redirectUriGiven: string | undefined): Promise<{ saved: SavedConsent; line: string | null }> {
  const redirectUri = redirectUriGiven ?? `${config.http.publicBaseUrl}/staff/zalo/callback`;
  const saved: SavedConsent = { verifier: newVerifier(), state: randomBytes(16).toString('base64url'), redirectUri, createdAt: Date.now() };
  writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
  chmodSync(file, 0o600);
  const url = consentUrl({ oauthBase: config.zalo.oauthBase, appId: config.zalo.appId, redirectUri, codeChallenge: challengeOf(saved.verifier), state: saved.state });
  console.log('Mở liên kết sau bằng tài khoản Zalo quản trị OA và bấm đồng ý (hiệu lực 10 phút):');
  console.log(url);
  console.log('Sau khi đồng ý, Zalo chuyển tới địa chỉ có "code=...": dán cả địa chỉ đó (hoặc chỉ mã code) vào đây.');
  return { saved, line: await readLine('code: ') };
}

/** Why a pasted code cannot be used with this consent, or null when it can. */
function refusal(input: ReturnType<typeof parseInput>, saved: SavedConsent | null, config: Config): string | null {
  if (!input) return 'Không đọc được mã: dán mã code hoặc cả địa chỉ Zalo chuyển tới.';
  if (!saved) return 'Không có lần kết nối nào đang chờ (hoặc đã quá 10 phút). Chạy lại: npm run zalo:connect';
  if (input.state && input.state !== saved.state) return 'Mã này thuộc một lần kết nối khác (state không khớp). Chạy lại: npm run zalo:connect';
  if (input.oaId && config.zalo.expectedOaId && input.oaId !== config.zalo.expectedOaId) {
    return `Zalo trả về OA ${input.oaId}, không phải OA đã cấu hình (ZALO_OA_ID=${config.zalo.expectedOaId}). Không lưu gì.`;
  }
  return null;
}

/** Exchanges the code for a token pair and stores it (audited); the consent file goes once stored. */
async function exchangeAndSave(config: Config, file: string, code: string, verifier: string, oaId: string | undefined): Promise<number> {
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
    pair = await client.exchangeCode(code, verifier);
  } catch (err) {
    const errorCode = err instanceof ZaloApiError ? err.code : 0;
    console.error(`Zalo từ chối mã (mã lỗi ${errorCode}${err instanceof Error ? `: ${err.message}` : ''}). Không lưu gì; chạy lại: npm run zalo:connect`);
    return 1;
  }
  const store = openStore(config.databaseFile);
  try {
    const at = Date.now();
    inTransaction(store.db, (tx) => {
      saveTokenPair(store.db, pair, at);
      recordAudit(tx, { type: 'system', id: 'cli' }, { action: 'zalo.connect', entity: 'oa_tokens', entityId: 1, detail: { oaId: oaId ?? null, expiresIn: pair.expiresIn } }, at);
    });
    rmSync(file, { force: true });
    logger.info({}, 'zalo OA connected from the command line');
    console.log(`Đã kết nối Zalo OA${oaId ? ` ${oaId}` : ''}: lưu cặp mã vào ${config.databaseFile}; mã truy cập hết hạn sau ${Math.round(pair.expiresIn / 3600)} giờ và sẽ tự làm mới.`);
    return 0;
  } finally {
    store.close();
  }
}

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
  let given = values.code ?? positionals[0];
  let saved = pendingConsent(file, Date.now());
  if (!given) {
    const asked = await askConsent(config, file, values['redirect-uri']);
    saved = asked.saved;
    if (asked.line === null || !asked.line.trim()) {
      console.log('Chưa nhận được mã. Trong 10 phút, chạy: npm run zalo:connect -- --code <mã>');
      return 0;
    }
    given = asked.line;
  }
  const input = parseInput(given);
  const refused = refusal(input, saved, config);
  if (refused || !input || !saved) {
    console.error(refused);
    return 2;
  }
  return exchangeAndSave(config, file, input.code, saved.verifier, input.oaId);
}

runCommand(main);
