import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosRig, chaosUsers, type ReplyAccount, type Service } from './chaosRig';
import { waitFor } from './harness';

/**
 * Chaos through the real webhook: signed events at a fixed rate while the service (web and worker in one
 * process) is killed with SIGKILL and restarted, while Redis is restarted empty, and while the mail server
 * drops connections. Every delivery that does not get 200 is retried as Zalo retries. The fake Zalo API and the
 * SMTP server run in this process, so what reached them survives the kills. No event may be lost and no reply
 * may reach a user twice.
 */

let rig: ChaosRig;
let service: Service;

beforeAll(async () => {
  rig = await ChaosRig.start();
  service = await rig.startService('web,worker');
  // Warm up (a fresh process on a busy machine is slow for its first seconds): a few replies round trip first.
  const warmUp = chaosUsers(730_000_000_000_000_000n, 5);
  for (const u of warmUp) rig.sender.send(u, 'menu');
  await waitFor(() => rig.fake.sent.filter((m) => warmUp.includes(m.userId)).length >= warmUp.length, 'warm-up replies', 60_000);
}, 120_000);
afterAll(async () => {
  await rig?.stop();
});

function expectExactlyOnce(account: ReplyAccount, what: string) {
  expect(account.lostEvents, `${what}: events never stored`).toBe(0);
  expect(account.unfinishedRows, `${what}: replies not delivered`).toBe(0);
  expect(account.replyRows, `${what}: a reply for every event`).toBeGreaterThanOrEqual(account.events);
  expect(account.lostReplies, `${what}: replies marked sent that Zalo does not hold`).toBe(0);
  expect(account.doubled, `${what}: replies a user got twice`).toBe(0);
  expect(account.zaloMessages, `${what}: messages at Zalo`).toBeGreaterThanOrEqual(account.replyRows);
}

/** Waits (at most 20 s) until the fake Zalo API got `n` more send calls than `before`. */
async function sendCallsReach(before: number, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (rig.fake.calls.filter((c) => c.route === 'send').length < before + n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** Waits until every event was accepted and every reply and mail finished; fails with what is still open. */
async function expectDrained(what: string) {
  const drained = await rig.drained(90_000);
  expect(drained, drained ? what : `${what}: ${rig.diagnose()}`).toBe(true);
}

describe('chaos: no event lost, no reply twice', () => {
  it('the service is killed with SIGKILL twice mid-send and restarted while events keep coming', async () => {
    const users = chaosUsers(731_000_000_000_000_000n, 30);
    const refusedBefore = rig.sender.failedDeliveries;
    let chaos: Promise<void> = Promise.resolve();
    const killAndRestart = async (kept: boolean) => {
      // Two sends hang at Zalo when the kill comes: one Zalo already kept (its answer never comes back), one it
      // never got. The restarted worker must settle the first from the history and send the second once.
      const before = rig.fake.calls.filter((c) => c.route === 'send').length;
      rig.fake.inject({ route: 'send', accepted: kept, status: 503, delayMs: 5_000, times: 2 });
      await sendCallsReach(before, 2);
      await rig.kill(service);
      service = await rig.startService('web,worker');
    };
    await rig.sender.fireAtRate({
      users,
      count: 320,
      perSecond: 40,
      onTick: (i) => {
        if (i === 80) chaos = chaos.then(() => killAndRestart(true));
        if (i === 220) chaos = chaos.then(() => killAndRestart(false));
      },
    });
    await chaos;
    await expectDrained('everything delivered after the kills');
    const account = rig.accountReplies(users);
    expectExactlyOnce(account, 'SIGKILL');
    expect(rig.sender.failedDeliveries - refusedBefore, 'deliveries refused or dropped while the service was down').toBeGreaterThan(0);
    // The sends hanging at the kills went through the settle path: asked the history, resent only the missing one.
    const historyCalls = rig.fake.calls.filter((c) => c.route === 'conversation').length;
    expect(historyCalls).toBeGreaterThanOrEqual(2);
    expect(account.retriedSends, 'the send Zalo never got went again').toBeGreaterThanOrEqual(1);
    console.info(
      `SIGKILL x2: ${account.events} events, ${rig.sender.failedDeliveries - refusedBefore} deliveries refused or dropped and retried, ${account.zaloMessages} replies, ${historyCalls} history look-ups, ${account.retriedSends} sends resent`,
    );
  }, 180_000);

  it('Redis is restarted empty while events keep coming: the reconciler puts the work back', async () => {
    const users = chaosUsers(732_000_000_000_000_000n, 20);
    let chaos: Promise<void> = Promise.resolve();
    await rig.sender.fireAtRate({
      users,
      count: 200,
      perSecond: 40,
      onTick: (i) => {
        if (i === 60) chaos = rig.restartRedis(1_500);
      },
    });
    await chaos;
    await expectDrained('everything delivered after the Redis restart');
    const account = rig.accountReplies(users);
    expectExactlyOnce(account, 'Redis restart');
    console.info(`Redis restart: ${account.events} events, ${account.zaloMessages} replies`);
  }, 180_000);

  it('the mail server drops connections and loses answers: every mail arrives, a repeat keeps its Message-ID', async () => {
    const users = chaosUsers(733_000_000_000_000_000n, 20);
    rig.smtp.flaky({ dropEvery: 2, loseAnswerEvery: 3 });
    // Each user reports an emergency first (the on-duty address is emailed), then asks for the menu.
    await rig.sender.fireAtRate({ users, count: 120, perSecond: 40, text: (i) => (i < users.length ? 'tôi bị khó thở' : 'menu') });
    await expectDrained('everything delivered while the mail server is flaky');
    rig.smtp.accept();
    expectExactlyOnce(rig.accountReplies(users), 'SMTP drops');
    const mail = rig.accountMail();
    expect(mail.mailRows, 'one escalation mail per emergency').toBeGreaterThanOrEqual(users.length);
    expect(mail).toMatchObject({ unfinished: 0, lost: 0, strangers: 0 });
    expect(rig.smtp.dropped.connections).toBeGreaterThan(0);
    expect(rig.smtp.dropped.answers).toBeGreaterThan(0);
    // A mail kept by the server whose answer was lost was sent again with the same Message-ID.
    expect(mail.copies).toBe(rig.smtp.dropped.answers);
    console.info(`SMTP drops: ${mail.mailRows} mails, ${rig.smtp.dropped.connections} connections dropped, ${mail.copies} repeats with the same Message-ID`);
  }, 180_000);
});
