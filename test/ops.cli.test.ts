import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db';
import { auditLog, clinics, oaTokens, outbox } from '../src/store/schema';
import { FakeZaloApi } from '../src/zalo/fakeApi';
import { ZaloApiError } from '../src/zalo/errors';
import { TOKEN_ALERT_SUBJECT } from '../src/zalo/tokenAlerts';
import { ManualClock, startHarness, waitFor, type Harness } from './harness';
import { startSmtpSink, type SmtpSink } from './smtp';
import { makeStaff } from './staffSupport';
import { createStaffUser } from '../src/domain/staff/staff';

const TSX = resolve('node_modules/.bin/tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a CLI with its own environment; `onStdout` may answer on stdin. */
function runCli(script: string, args: string[], env: Record<string, string>, onStdout?: (text: string, stdin: NodeJS.WritableStream) => void): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(TSX, [script, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child.stdin);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (!onStdout) child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

describe('npm run db:backup', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cadrecare-backup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the live database while it is being written, checks the copy, and keeps the newest N', async () => {
    const file = join(dir, 'cadrecare.db');
    const store = openStore(file);
    const now = Date.now();
    const add = (i: number) => store.db.insert(clinics).values({ code: `PK${i}`, name: `Phòng khám ${i}`, createdAt: now, updatedAt: now }).run();
    for (let i = 0; i < 500; i++) add(i);
    // Old backups to prune with --keep.
    mkdirSync(join(dir, 'backups'), { recursive: true });
    for (const f of ['cadrecare-20200101-000000.db', 'cadrecare-20200102-000000.db']) writeFileSync(join(dir, 'backups', f), 'old');

    // Writers keep going during the backup (an online backup does not stop the service).
    let i = 500;
    const writer = setInterval(() => add(i++), 2);
    let run: Run;
    try {
      run = await runCli('src/cli/backup.ts', ['--keep', '1'], { NODE_ENV: 'test', DATA_DIR: dir, ZALO_MODE: 'simulator' });
    } finally {
      clearInterval(writer);
    }
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/integrity ok/);
    expect(run.stdout).toMatch(/Removed 2 older backup\(s\), kept 1/);
    const files = readdirSync(join(dir, 'backups'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cadrecare-\d{8}-\d{6}\.db$/);

    const copy = new Database(join(dir, 'backups', files[0]!), { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const n = (copy.prepare('SELECT count(*) AS n FROM clinics').get() as { n: number }).n;
      expect(n).toBeGreaterThanOrEqual(500);
      expect(n).toBeLessThanOrEqual(i);
      // The copy is a complete, migrated database.
      const migrations = (copy.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
      expect(migrations).toBe((store.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n);
    } finally {
      copy.close();
      store.close();
    }
  });

  it('refuses bad arguments and a missing database without writing anything', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cadrecare-backup-none-'));
    try {
      const env = { NODE_ENV: 'test', DATA_DIR: empty, ZALO_MODE: 'simulator' };
      const bad = await runCli('src/cli/backup.ts', ['--keep', '0'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--keep');
      const missing = await runCli('src/cli/backup.ts', [], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('No database');
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('npm run zalo:connect', () => {
  let fake: FakeZaloApi;
  let fakeUrl: string;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    fake = new FakeZaloApi();
    fake.oaId = '5353535353535353535';
    fakeUrl = await fake.listen();
    dir = mkdtempSync(join(tmpdir(), 'cadrecare-connect-'));
    env = {
      NODE_ENV: 'test',
      DATA_DIR: dir,
      ZALO_MODE: 'live',
      ZALO_APP_ID: '4242424242424242424',
      ZALO_APP_SECRET: 'test-app-secret',
      ZALO_OA_SECRET_KEY: 'test-oa-secret',
      ZALO_OA_ID: '5353535353535353535',
      ZALO_API_BASE: fakeUrl,
      ZALO_OAUTH_BASE: fakeUrl,
      PUBLIC_BASE_URL: 'https://cadrecare.example.vn',
    };
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What an OA admin does in the browser: open the link and press "Cho phép"; returns where Zalo sends them. */
  async function consent(url: string): Promise<string> {
    const html = await (await fetch(url)).text();
    const href = /id="allow" href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    return href;
  }

  it('prints the consent link with a PKCE challenge, takes the pasted address on stdin and stores the pair', async () => {
    let answered = false;
    const run = await runCli('src/cli/zaloConnect.ts', [], env, (out, stdin) => {
      const m = /^(http\S+\/v4\/oa\/permission\S+)$/m.exec(out);
      if (m && !answered) {
        answered = true;
        const url = new URL(m[1]!);
        expect(url.searchParams.get('app_id')).toBe('4242424242424242424');
        expect(url.searchParams.get('redirect_uri')).toBe('https://cadrecare.example.vn/staff/zalo/callback');
        expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(url.searchParams.has('code_challenge_method')).toBe(false);
        void consent(m[1]!).then((back) => {
          stdin.write(`${back}\n`);
          stdin.end();
        });
      }
    });
    expect(run.stderr.replace('code: ', '')).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Đã kết nối Zalo OA 5353535353535353535');
    const store = openStore(join(dir, 'cadrecare.db'));
    try {
      const row = store.db.select().from(oaTokens).get()!;
      expect(row.accessToken).toMatch(/^fake-at-/);
      expect(row.accessExpiresAt).toBeGreaterThan(Date.now() + 24 * 3600_000);
      expect(store.db.select().from(auditLog).where(eq(auditLog.action, 'zalo.connect')).all()).toHaveLength(1);
    } finally {
      store.close();
    }
    expect(readdirSync(dir)).not.toContain('zalo-consent.json');
  });

  it('finishes a consent started earlier with --code, and refuses a code from another consent', async () => {
    const first = await runCli('src/cli/zaloConnect.ts', [], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('npm run zalo:connect -- --code');
    const url = /^(http\S+\/v4\/oa\/permission\S+)$/m.exec(first.stdout)![1]!;
    const back = new URL(await consent(url));

    // A code from a consent with another verifier: Zalo refuses it, nothing is stored.
    const stranger = new URL(url);
    stranger.searchParams.set('code_challenge', 'A'.repeat(43));
    const strangerCode = new URL(await consent(stranger.toString())).searchParams.get('code')!;
    const refused = await runCli('src/cli/zaloConnect.ts', ['--code', strangerCode], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('-14020');

    const wrongState = new URL(back);
    wrongState.searchParams.set('state', 'another-state');
    expect((await runCli('src/cli/zaloConnect.ts', ['--code', wrongState.toString()], env)).code).toBe(2);

    const store = openStore(join(dir, 'cadrecare.db'));
    const before = store.db.select().from(oaTokens).get()!;
    store.close();
    const ok = await runCli('src/cli/zaloConnect.ts', ['--code', back.toString()], env);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const again = openStore(join(dir, 'cadrecare.db'));
    try {
      expect(again.db.select().from(oaTokens).get()!.accessToken).not.toBe(before.accessToken);
    } finally {
      again.close();
    }
    // The consent is used up.
    expect((await runCli('src/cli/zaloConnect.ts', ['--code', back.searchParams.get('code')!], env)).code).toBe(2);
  });
});

describe('a failed token refresh emails the administrators', () => {
  let h: Harness;
  let sink: SmtpSink;
  const clock = new ManualClock(Date.parse('2026-03-02T02:00:00Z'));
  beforeAll(async () => {
    sink = await startSmtpSink();
    h = await startHarness({ clock, env: { SMTP_URL: sink.url } });
  });
  afterAll(async () => {
    await h?.stop();
    await sink?.close();
  });

  it('sends one email to every active admin with an address, at most once an hour', async () => {
    const db = h.runtime.store.db;
    await createStaffUser(db, { username: 'quantri1', fullName: 'Quản trị Một', role: 'admin', password: 'mat-khau-thu-nghiem-1', email: 'qt1@ban.vn' }, clock.now());
    await createStaffUser(db, { username: 'quantri2', fullName: 'Quản trị Hai', role: 'admin', password: 'mat-khau-thu-nghiem-1', email: 'qt2@ban.vn' }, clock.now());
    await makeStaff(h, 'quantri3', 'admin'); // no email
    await createStaffUser(db, { username: 'dieuphoi', fullName: 'Điều phối', role: 'coordinator', password: 'mat-khau-thu-nghiem-1', email: 'dp@ban.vn' }, clock.now());

    const failRefresh = async () => {
      db.update(oaTokens).set({ accessExpiresAt: clock.now() - 1 }).run();
      h.fake.inject({ route: 'token', error: -14014 });
      await expect(h.runtime.tokens.current()).rejects.toBeInstanceOf(ZaloApiError);
    };
    await failRefresh();
    await waitFor(() => sink.mails.length >= 2, 'two alert emails');
    expect(sink.mails.map((m) => m.to).flat().sort()).toEqual(['qt1@ban.vn', 'qt2@ban.vn']);
    expect(sink.mails[0]!.subject).toBe('[CadreCare] Cần kết nối lại Zalo OA');
    expect(sink.mails[0]!.text).toContain('/staff/zalo');

    // Within the hour: the failure is recorded on the token row, no new email.
    clock.advance(30 * 60_000);
    await failRefresh();
    expect(db.select().from(outbox).where(eq(outbox.subject, TOKEN_ALERT_SUBJECT)).all()).toHaveLength(2);
    expect(db.select().from(oaTokens).get()!.lastErrorAt).toBe(clock.now());

    clock.advance(31 * 60_000);
    await failRefresh();
    await waitFor(() => sink.mails.length >= 4, 'the next hour’s alerts');
    expect(sink.mails).toHaveLength(4);
  });
});
