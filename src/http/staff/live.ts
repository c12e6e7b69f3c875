import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { liveMarks, queueMark, requestsSince, type LiveCounts, type LiveMarks } from '../../domain/conversations/liveFeed';
import { allowed, clinicScope, currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import type { StaffDeps } from '../deps';

/** How often a live page's stream looks at SQLite for something new. */
const POLL_MS = 1000;
/** A stream ends after this long; the browser reconnects at once, and the session is checked again. */
const MAX_STREAM_MS = 5 * 60_000;
/** The queues a counter page follows are those of the last day's check-ins. */
const QUEUE_WINDOW_MS = 24 * 3600_000;
/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 20_000;

/**
 * /staff/live: server-sent events for the live pages (inbox, conversations, dashboard). The stream polls SQLite
 * by high-water marks, so a request written by any web process (the webhook of another instance) reaches every
 * open page. Events:
 * - `counts` {requests, conversations}: unread counts for the menu and the tab title (sent first, then on change);
 * - `request` {id, ticket, typeLabel, urgent, cadreName}: a new request (an urgent one plays the alert tone);
 * - `changed` {topics}: what to refresh in place ('requests', 'conversations', 'dashboard', and 'queue' for the
 *   counter page: a check-in or a number called, to roles that may read day lists).
 * Roles that may not read requests get only the dashboard topic, never a name.
 */
export function livePages(deps: StaffDeps) {
  return new Hono<StaffEnv>().get('/', requirePermission('dashboard', 'read'), (c) => {
    const staff = currentStaff(c);
    const scope = clinicScope(staff);
    const mayReadRequests = allowed(staff, 'requests', 'read');
    const mayFollowQueues = allowed(staff, 'booking', 'readDayList');
    const queueNow = () => (mayFollowQueues ? queueMark(deps.db, scope, deps.clock.now() - QUEUE_WINDOW_MS) : '');
    const countsFor = (m: LiveMarks): LiveCounts => (mayReadRequests ? m.counts : { requests: 0, conversations: 0 });
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      let closed = false;
      stream.onAbort(() => {
        closed = true;
      });
      const started = Date.now();
      let lastWrite = started;
      let last = liveMarks(deps.db, scope);
      let lastQueue = queueNow();
      await stream.writeSSE({ event: 'counts', data: JSON.stringify(countsFor(last)), retry: 3000 });
      while (!closed && Date.now() - started < MAX_STREAM_MS) {
        await stream.sleep(POLL_MS);
        if (closed) break;
        let now: LiveMarks;
        let queue: string;
        try {
          now = liveMarks(deps.db, scope);
          queue = queueNow();
        } catch (err) {
          // The database is closing (shutdown): end the stream; the browser reconnects to another process.
          deps.logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'live stream ended');
          break;
        }
        const topics: string[] = [];
        if (now.request !== last.request && mayReadRequests) {
          for (const r of requestsSince(deps.db, scope, last.request)) await stream.writeSSE({ event: 'request', id: String(r.id), data: JSON.stringify(r) });
        }
        if (now.request !== last.request || now.changed !== last.changed) topics.push('requests', 'dashboard');
        if (now.message !== last.message || now.changed !== last.changed) topics.push('conversations');
        if (topics.length || queue !== lastQueue) {
          const visible = mayReadRequests ? [...new Set(topics)] : topics.length ? ['dashboard'] : [];
          if (queue !== lastQueue) visible.push('queue');
          await stream.writeSSE({ event: 'changed', data: JSON.stringify({ topics: visible }) });
          lastWrite = Date.now();
        }
        const counts = countsFor(now);
        const before = countsFor(last);
        if (counts.requests !== before.requests || counts.conversations !== before.conversations) {
          await stream.writeSSE({ event: 'counts', data: JSON.stringify(counts) });
          lastWrite = Date.now();
        }
        if (Date.now() - lastWrite > KEEPALIVE_MS) {
          await stream.write(': keepalive\n\n');
          lastWrite = Date.now();
        }
        last = now;
        lastQueue = queue;
      }
    });
  });
}
