import { Hono } from 'hono';
import { z } from 'zod';
import { pageParam } from '../../domain/shared/listing';
import { ComposeBroadcast } from '../../domain/broadcasts/broadcasts';
import { listBroadcasts } from '../../domain/broadcasts/progress';
import { SegmentFilter } from '../../domain/broadcasts/segments';
import type { ApiEnv } from '../auth/apiToken';
import { currentStaff, requirePermission } from '../auth/session';
import { validate, IdParam } from '../validation';
import { FileFormatQuery, sendFile } from '../download';
import { broadcastOrThrow, broadcastSummary, composeBroadcast, exportResults, previewFor, runBroadcastCommand, type BroadcastWebDeps } from '../../domain/broadcasts/manage';

const StartAt = z.union([z.number().int().positive(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]).nullable().default(null);
const ApiCompose = ComposeBroadcast.extend({
  startAt: StartAt,
  confirmedRecipients: z.number({ error: 'cần số người nhận đã xem ở bước xem trước (POST /api/broadcasts/preview)' }).int().nonnegative(),
});
const ApiPreview = z.object({ segment: SegmentFilter, templateName: z.string().trim().min(1).max(100).nullable().default(null) });

/** /api/broadcasts: compose with preview, follow progress, pause/resume/cancel, export results. */
export function broadcastApi(deps: BroadcastWebDeps) {
  return new Hono<ApiEnv>()
    .use(requirePermission('broadcasts', 'manage'))
    .get('/', validate('query', z.object({ page: pageParam })), (c) => {
      const { items, window } = listBroadcasts(deps.db, c.req.valid('query').page);
      return c.json({ items: items.map((b) => broadcastSummary(deps, b)), total: window.total, page: window.page, pages: window.pages, pageSize: window.pageSize });
    })
    .post('/preview', validate('json', ApiPreview), (c) => {
      const { segment, templateName } = c.req.valid('json');
      return c.json(previewFor(deps, segment, templateName));
    })
    .post('/', validate('json', ApiCompose), (c) => {
      const b = composeBroadcast(deps, currentStaff(c), c.req.valid('json'));
      return c.json(broadcastSummary(deps, b), 201);
    })
    .get('/:id{[0-9]+}', validate('param', IdParam), (c) => c.json(broadcastSummary(deps, broadcastOrThrow(deps, c.req.valid('param').id))))
    .post('/:id{[0-9]+}/:command{pause|resume|cancel}', validate('param', IdParam.extend({ command: z.enum(['pause', 'resume', 'cancel']) })), (c) => {
      const { id, command } = c.req.valid('param');
      return c.json(broadcastSummary(deps, runBroadcastCommand(deps, currentStaff(c), id, command)));
    })
    .get('/:id{[0-9]+}/results', validate('param', IdParam), validate('query', FileFormatQuery('csv')), async (c) =>
      sendFile(c, await exportResults(deps, currentStaff(c), c.req.valid('param').id, c.req.valid('query').format)),
    );
}
