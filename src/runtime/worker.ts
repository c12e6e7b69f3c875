import type { Worker } from 'bullmq';
import { queueNoticeRenderers } from '../domain/attendance/queueNotices';
import { scheduleNextCallList } from '../domain/attendance/callListMail';
import { noticeRenderers } from '../domain/outreach/noticeRenderers';
import type { NoticeRenderers } from '../domain/outreach/notices';
import { startBroadcastReconciler } from '../jobs/broadcast';
import { outboxHandlers } from '../jobs/handlers';
import { startReconciler } from '../jobs/reconciler';
import { workerConnection } from '../jobs/redis';
import { startWorkers } from '../jobs/workers';
import { inTransaction } from '../store/db';
import type { Parts } from './parts';

/** The worker role: the queue workers with every job's handler, the reconcilers and the daily call list. */
export function startWorkerRole(parts: Parts, extraRenderers?: NoticeRenderers): void {
  const { config, store, clock, logger, cleanups } = parts;
  const connection = workerConnection(parts.redisUrl);
  connection.on('error', (err) => logger.warn({ err: err.message }, 'redis worker connection error'));
  const workers: Worker[] = startWorkers(
    {
      db: store.db,
      clock,
      logger,
      relay: parts.relay,
      concurrency: { 'zalo-send': config.zaloSend.concurrency, 'email-send': 4, notices: config.zaloSend.concurrency },
      backoffMs: config.zaloSend.backoffMs,
      lockMs: config.outbox.lockMs,
      handlers: handlers(parts, extraRenderers),
    },
    connection,
    config.queuePrefix,
  );
  // The next call list of unconfirmed bookings; each list schedules the one after it.
  inTransaction(store.db, (tx) => scheduleNextCallList(tx, config.attendance.callListHour, clock.now()));
  const stopReconciler = startReconciler(parts.reconciler, config.outbox.reconcileIntervalMs, (r) => parts.metrics.recordReconcile(r));
  // Pushed in reverse of the shutdown order: workers close before the queues, the reconciler first of all.
  cleanups.push(() => void connection.disconnect());
  cleanups.push(() => Promise.all(workers.map((w) => w.close())).then(() => undefined));
  cleanups.push(stopReconciler);
  cleanups.push(startBroadcastReconciler(parts.broadcasts, logger, config.outbox.reconcileIntervalMs));
  parts.relay.kick();
}

function handlers(parts: Parts, extraRenderers: NoticeRenderers | undefined) {
  const { config, settings, store, clock, logger, mailer } = parts;
  const { zalo, delivery, interactions } = parts.zalo;
  const db = store.db;
  return outboxHandlers({
    zaloSend: { db, clock, logger, delivery, buttons: config.zalo.buttons },
    emailSend: { db, clock, mailer, messageIdDomain: settings.messageIdDomain },
    zaloProfile: { db, clock, logger, zalo },
    mailErase: { db, clock, logger, dir: mailer.kind === 'file' ? config.mail.dir : null },
    broadcasts: parts.broadcasts,
    requests: {
      db,
      clock,
      logger,
      handoffTimeoutMs: config.requests.handoffTimeoutMs,
      escalation: {
        policy: settings.requestPolicy,
        ackKey: settings.ackKey,
        publicBaseUrl: config.http.publicBaseUrl,
        ackLinkTtlMs: config.requests.ackLinkTtlMs,
        fallbackEmail: config.requests.fallbackEmail,
        committeeName: config.committee.name,
      },
    },
    aftercare: { db, clock, logger, waitlistOfferMs: config.aftercare.waitlistOfferMs, policy: settings.requestPolicy },
    nudge: { db, clock, logger },
    callList: { db, clock, logger, hour: config.attendance.callListHour, publicBaseUrl: config.http.publicBaseUrl },
    notice: {
      db,
      clock,
      logger,
      delivery,
      mailer,
      buttons: config.zalo.buttons,
      renderers: { ...noticeRenderers, ...queueNoticeRenderers(config.attendance.queue), ...extraRenderers },
      templates: config.zalo.templates,
      messageIdDomain: settings.messageIdDomain,
      prices: config.prices,
      interactions,
      templateDailyQuota: config.zalo.templateDailyQuota,
    },
  });
}
