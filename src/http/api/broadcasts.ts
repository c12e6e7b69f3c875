import { toCsv } from '../../domain/shared/csv';
import type { Prices } from '../../domain/outreach/prices';
import { loadExcelJs } from '../../domain/shared/excel';
import { Hono } from 'hono';
import { z } from 'zod';
import { pageParam } from '../../domain/shared/listing';
import type { Clock } from '../../clock';
import {
  BroadcastDraft,
  BroadcastError,
  checkBroadcastDraft,
  broadcastProgress,
  cancelBroadcast,
  ComposeBroadcast,
  createBroadcast,
  getBroadcast,
  listBroadcasts,
  pauseBroadcast,
  recipientResults,
  resumeBroadcast,
  type RecipientResult,
} from '../../domain/broadcasts/broadcasts';
import { previewSegment, SegmentError, SegmentFilter, skipReasonLabels } from '../../domain/broadcasts/segments';
import { fieldProblems } from '../../domain/shared/validationText';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { recordAudit } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import type { Broadcast } from '../../store/schema';
import type { ApiEnv } from '../auth/apiToken';
import { currentStaff, requirePermission, type StaffIdentity } from '../auth/session';
import { validate, XLSX_TYPE, IdParam } from '../validation';

/** What the broadcast pages and API need. */
export interface BroadcastWebDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  committeeName: string;
  /** Template name -> approved Zalo template id (ZALO_TEMPLATES). */
  templates: Record<string, string>;
  /** Moves the outbox rows a committed transaction wrote to the queues now. */
  onCommitted: (outboxIds: number[]) => void;
  /** Estimated prices per channel, for the cost shown before sending. */
  prices?: Prices;
}


const actorOf = (s: StaffIdentity) => ({ type: 'staff' as const, id: String(s.id) });

/** Runs a broadcast action, turning domain refusals into the API's errors. */
export function broadcastAction<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof BroadcastError) throw new AppError(err.code, err.message);
    if (err instanceof SegmentError) throw new AppError('validation_failed', err.message);
    if (err instanceof z.ZodError) {
      throw new AppError('validation_failed', 'Dữ liệu chưa hợp lệ.', fieldProblems(err.issues));
    }
    throw err;
  }
}

export function composeBroadcast(deps: BroadcastWebDeps, staff: StaffIdentity, input: z.input<typeof ComposeBroadcast>): Broadcast {
  const now = deps.clock.now();
  const { broadcast, outboxId } = broadcastAction(() =>
    inTransaction(deps.db, (tx) => createBroadcast(tx, { staffId: staff.id, audit: actorOf(staff) }, input, { templates: deps.templates, now })),
  );
  deps.onCommitted([outboxId]);
  return broadcast;
}

/** Checks a composed broadcast without storing it: the draft as it will go out and its recipient count now. */
export function checkDraft(deps: BroadcastWebDeps, input: z.input<typeof BroadcastDraft>) {
  return broadcastAction(() => checkBroadcastDraft(deps.db, input, { templates: deps.templates, now: deps.clock.now() }));
}

export function previewFor(deps: BroadcastWebDeps, segment: SegmentFilter, templateName: string | null) {
  if (templateName && !deps.templates[templateName]) throw new AppError('validation_failed', `Mẫu tin Zalo "${templateName}" chưa được cấu hình.`);
  return broadcastAction(() => previewSegment(deps.db, segment, { templateConfigured: Boolean(templateName), now: deps.clock.now() }));
}

export type BroadcastCommand = 'pause' | 'resume' | 'cancel';

export function runBroadcastCommand(deps: BroadcastWebDeps, staff: StaffIdentity, id: number, command: BroadcastCommand): Broadcast {
  const now = deps.clock.now();
  const actor = actorOf(staff);
  const result = broadcastAction(() =>
    inTransaction(deps.db, (tx) => {
      if (command === 'pause') return { broadcast: pauseBroadcast(tx, actor, id, now), outboxId: null };
      if (command === 'cancel') return { broadcast: cancelBroadcast(tx, actor, id, now), outboxId: null };
      return resumeBroadcast(tx, actor, id, now);
    }),
  );
  if (result.outboxId !== null) deps.onCommitted([result.outboxId]);
  return result.broadcast;
}

export function broadcastOrThrow(deps: BroadcastWebDeps, id: number): Broadcast {
  const b = getBroadcast(deps.db, id);
  if (!b) throw new AppError('not_found', `Không có thông báo số ${id}.`);
  return b;
}

export const recipientStatusLabels: Record<RecipientResult['status'], string> = {
  pending: 'Chờ gửi',
  sending: 'Đang gửi',
  sent: 'Đã gửi',
  skipped: 'Bỏ qua',
  failed: 'Lỗi',
  cancelled: 'Đã hủy',
};
export const channelLabels: Record<string, string> = { zalo: 'Zalo (tin tư vấn)', zalo_template: 'Zalo (mẫu tin)', email: 'Email' };
export const reasonLabel = (r: string | null) => (r ? ((skipReasonLabels as Record<string, string>)[r] ?? (r === 'broadcast_cancelled' ? 'thông báo bị hủy' : r)) : '');
const vnTime = (ms: number | null) =>
  ms ? new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short', hour12: false }).format(ms) : '';

const exportHeader = ['Mã cán bộ', 'Họ tên', 'Đơn vị', 'Trạng thái', 'Kênh', 'Lý do', 'Gửi lúc'];
const exportRow = (r: RecipientResult) => [r.cadreCode, r.fullName, r.unit, recipientStatusLabels[r.status], r.channel ? (channelLabels[r.channel] ?? '') : '', reasonLabel(r.reason), vnTime(r.sentAt)];


/** Per-recipient results as CSV (UTF-8 with BOM, for Excel) or xlsx; the export is audited. */
export async function exportResults(deps: BroadcastWebDeps, staff: StaffIdentity, id: number, format: 'csv' | 'xlsx') {
  const b = broadcastOrThrow(deps, id);
  const rows = recipientResults(deps.db, id);
  inTransaction(deps.db, (tx) =>
    recordAudit(tx, actorOf(staff), { action: 'broadcast.export', entity: 'broadcast', entityId: id, detail: { format, rows: rows.length } }, deps.clock.now()),
  );
  const name = `thong-bao-${b.id}-ket-qua.${format}`;
  if (format === 'csv') {
    return { name, type: 'text/csv; charset=utf-8', body: new Uint8Array(Buffer.from(toCsv(exportHeader, rows.map(exportRow)), 'utf8')) };
  }
  const ExcelJS = await loadExcelJs();
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Kết quả');
  ws.addRow(exportHeader).font = { bold: true };
  for (const r of rows) ws.addRow(exportRow(r));
  ws.columns.forEach((c, i) => (c.width = [14, 28, 28, 12, 20, 40, 18][i]));
  return { name, type: XLSX_TYPE, body: new Uint8Array(await wb.xlsx.writeBuffer()) };
}

export const contentDisposition = (name: string) => `attachment; filename="${name}"`;

/** The summary the API and the live progress show. */
export function broadcastSummary(deps: BroadcastWebDeps, b: Broadcast) {
  return {
    id: b.id,
    title: b.title,
    status: b.status,
    startAt: b.startAt,
    requestedAt: b.requestedAt,
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
    fanoutDone: b.fanoutDone,
    templateName: b.templateName,
    progress: broadcastProgress(deps.db, b.id),
  };
}

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
    .get('/:id{[0-9]+}/results', validate('param', IdParam), validate('query', z.object({ format: z.enum(['csv', 'xlsx']).default('csv') })), async (c) => {
      const file = await exportResults(deps, currentStaff(c), c.req.valid('param').id, c.req.valid('query').format);
      return c.body(file.body, 200, { 'content-type': file.type, 'content-disposition': contentDisposition(file.name), 'cache-control': 'no-store' });
    });
}
