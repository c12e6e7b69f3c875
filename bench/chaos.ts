/**
 * Chaos benchmark: thousands of signed events at a fixed rate through the real webhook while the service is
 * killed with SIGKILL several times and restarted at once (as a supervisor would), in both deployment shapes:
 *   one   — web and worker in one process (every kill takes both down);
 *   split — a web process and a worker process (the kills take down the worker, the web, then both).
 * At each kill two sends hang at Zalo (one Zalo already kept, one it never got), so the settle-before-resend
 * path is exercised every time. Deliveries that do not get 200 are retried as Zalo does. Prints, per shape,
 * events lost, replies doubled, and after each kill how long until the service answered again and until
 * every reply owed at the kill had reached Zalo.
 * Usage: npm run bench:chaos [-- <events per shape> <events per second> <kills per shape>]
 */
import { ChaosRig, chaosUsers, type Roles, type Service } from '../test/chaosRig';
import { fmt } from './lib';

const events = Number(process.argv[2] ?? 3_000);
const perSecond = Number(process.argv[3] ?? 100);
const kills = Number(process.argv[4] ?? 3);

interface KillReport {
  what: string;
  atEvent: number;
  /** Seconds from the kill until the restarted process was ready. */
  backUp: number;
  /** Seconds from the kill until every reply and mail owed at the kill had finished; null if never. */
  caughtUp: number | null;
}

async function runShape(shape: 'one' | 'split', firstUser: bigint) {
  // Zalo's own schedule (30 s, 5 min, ...) compressed tenfold and more: 3 s, 6 s, 10 s, then every 15 s.
  const rig = await ChaosRig.start({ env: { LOG_LEVEL: 'error' }, retryDelaysMs: [3_000, 6_000, 10_000, 15_000] });
  const live = new Map<Roles, Service>();
  const start = async (roles: Roles) => live.set(roles, await rig.startService(roles));
  if (shape === 'one') await start('web,worker');
  else await Promise.all([start('web'), start('worker')]);

  const users = chaosUsers(firstUser, Math.max(50, Math.round(events / 10)));
  const reports: Promise<KillReport>[] = [];
  let chaos: Promise<unknown> = Promise.resolve();
  const killAt = new Set(Array.from({ length: kills }, (_, k) => Math.round(((k + 1) * events) / (kills + 1))));
  const splitOrder: Roles[][] = [['worker'], ['web'], ['web', 'worker']];
  let killNo = 0;

  const killAndRestart = async (atEvent: number, roles: Roles[], kept: boolean): Promise<KillReport> => {
    const before = rig.fake.calls.filter((c) => c.route === 'send').length;
    if (roles.some((r) => r !== 'web')) {
      rig.fake.inject({ route: 'send', accepted: kept, status: 503, delayMs: 5_000, times: 2 });
      const deadline = Date.now() + 5_000;
      while (rig.fake.calls.filter((c) => c.route === 'send').length < before + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    const owed = rig.lastOutboxId();
    const killedAt = Date.now();
    await Promise.all(roles.map((r) => rig.kill(live.get(r)!)));
    await Promise.all(roles.map((r) => start(r)));
    const backUp = (Date.now() - killedAt) / 1000;
    const done = await rig.caughtUp(owed, 300_000);
    return { what: roles.join('+').replace(',', '+'), atEvent, backUp, caughtUp: done === null ? null : (done - killedAt) / 1000 };
  };

  const began = Date.now();
  await rig.sender.fireAtRate({
    users,
    count: events,
    perSecond,
    onTick: (i) => {
      if (!killAt.has(i)) return;
      const roles = shape === 'one' ? (['web,worker'] as Roles[]) : splitOrder[killNo % splitOrder.length]!;
      const kept = killNo % 2 === 0;
      killNo += 1;
      // One kill at a time: the next waits until the previous process is back.
      const report = (chaos = chaos.then(() => killAndRestart(i, roles, kept))) as Promise<KillReport>;
      reports.push(report);
    },
  });
  const sentIn = (Date.now() - began) / 1000;
  const kills_ = await Promise.all(reports);
  const drained = await rig.drained(300_000);
  const account = rig.accountReplies(users);
  const historyCalls = rig.fake.calls.filter((c) => c.route === 'conversation').length;
  await rig.stop();
  return { shape, sentIn, kills: kills_, drained, account, refused: rig.sender.failedDeliveries, historyCalls };
}

console.log(`chaos benchmark: ${events} signed events per shape at ${perSecond}/s, ${kills} SIGKILLs per shape, ${process.env.BENCH_NOTE ?? ''}`);
let failed = false;
for (const [shape, first] of [
  ['one', 741_000_000_000_000_000n],
  ['split', 742_000_000_000_000_000n],
] as const) {
  const r = await runShape(shape, first);
  const a = r.account;
  const lost = a.lostEvents + a.unfinishedRows + a.lostReplies;
  failed ||= lost > 0 || a.doubled > 0 || !r.drained;
  console.log(
    `${shape === 'one' ? 'one process (web+worker)' : 'split (web | worker)'}: ${a.events} events sent in ${fmt(r.sentIn)} s, ` +
      `${r.refused} deliveries refused or dropped and retried; ${a.replyRows} replies; lost ${lost}, doubled ${a.doubled}` +
      ` (${r.historyCalls} history look-ups, ${a.retriedSends} sends resent after settling)${r.drained ? '' : '; NOT DRAINED within 300 s'}`,
  );
  for (const [i, k] of r.kills.entries()) {
    console.log(
      `  kill ${i + 1} (${k.what}) at event ${k.atEvent}: back up in ${fmt(k.backUp)} s; every reply owed at the kill delivered ${k.caughtUp === null ? 'NOT within 300 s' : `${fmt(k.caughtUp)} s after it`}`,
    );
  }
}
process.exit(failed ? 1 : 0);
