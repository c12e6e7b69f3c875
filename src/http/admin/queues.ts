import { may } from '../../domain/staff/permissions';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { AppError } from '../../errors';
import { loadSession, type SessionOptions, type StaffEnv } from '../auth/session';
import { errorPage } from '../staff/ui';

const QUEUES_PATH = '/admin/queues';

export interface QueueBoardDeps {
  session: SessionOptions;
  committeeName: string;
  queues: Queue[];
}

const uiDir = dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json'));

/**
 * Bull Board at /admin/queues for administrators, behind the staff session: not logged in -> the login page
 * (coming back here after), another role -> 403. Read-only: SQLite is the truth and the reconciler puts
 * Redis right, so operators look at the queues here and act through the staff pages.
 */
export function queueBoardRoutes(deps: QueueBoardDeps) {
  // The board's packages (about 10 MB of heap) load on the first visit, not in every process at start.
  let board: Promise<Hono> | undefined;
  const loadBoard = async () => {
    const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/hono'),
    ]);
    const adapter = new HonoAdapter(serveStatic).setBasePath(QUEUES_PATH);
    createBullBoard({
      queues: deps.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true, allowRetries: false })),
      // @bull-board/hono pins its own copy of @bull-board/api; the two copies differ only in their type declarations.
      serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: {
        uiBasePath: uiDir,
        uiConfig: {
          boardTitle: 'CadreCare',
          hideDocsLink: true,
          miscLinks: [{ text: 'Về trang nhân viên', url: '/staff' }],
        },
      },
    });
    return new Hono().route(QUEUES_PATH, adapter.registerPlugin());
  };

  const app = new Hono<StaffEnv>();
  app.onError((err, c) => {
    if (err instanceof AppError) return errorPage(c, deps.committeeName, err);
    throw err;
  });
  app.use(loadSession(deps.session));
  app.use(async (c, next) => {
    const staff = c.get('staff');
    if (!staff) {
      if (c.req.method === 'GET' && !c.req.path.startsWith(`${QUEUES_PATH}/api/`)) {
        return c.redirect(`/staff/login?next=${encodeURIComponent(c.req.path)}`, 302);
      }
      throw new AppError('unauthorized', 'Vui lòng đăng nhập.');
    }
    if (!may(staff.role, ['queues', 'read'])) throw new AppError('forbidden', 'Chỉ quản trị viên được xem hàng đợi.');
    await next();
  });
  // The board's own links end in a slash; its routes do not.
  app.use(async (c, next) => (c.req.path === `${QUEUES_PATH}/` ? c.redirect(QUEUES_PATH, 302) : next()));
  app.all('*', async (c) => (await (board ??= loadBoard())).fetch(c.req.raw, c.env));
  return app;
}
