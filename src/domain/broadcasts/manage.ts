import type { ClassSchemeId } from '../results/classification';
import { z } from 'zod';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { recordAudit } from '../../store/audit';
import { inTransaction, type Db } from '../../store/db';
import type { Broadcast } from '../../store/schema';
import type { Prices } from '../outreach/prices';
import { CSV_MIME, writeCsv, writeWorkbook, XLSX_MIME, type SheetCell, type SheetColumn } from '../shared/spreadsheet';
import { fieldProblems } from '../shared/validationText';
import { staffActor, type StaffIdentity } from '../staff/actor';
import { BroadcastDraft, cancelBroadcast, checkBroadcastDraft, ComposeBroadcast, createBroadcast, getBroadcast, pauseBroadcast, resumeBroadcast } from './broadcasts';
import { broadcastProgress, recipientResults, type RecipientResult } from './progress';
import { checkSegmentClasses, previewSegment, SegmentFilter, skipReasonLabels } from './segments';

/**
 * Staff work on broadcasts, for the pages and the API alike: compose (after a check and a preview), pause,
 * resume, cancel, follow progress, export per-recipient results.
 */

/** What the broadcast pages and API need. */
export interface BroadcastWebDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  committeeName: string;
  /** The health classification scheme segments offer (HEALTH_CLASS_SCHEME); Loại I–V when absent. */
  classScheme?: ClassSchemeId;
  /** Template name -> approved Zalo template id (ZALO_TEMPLATES). */
  templates: Record<string, string>;
  /** Moves the outbox rows a committed transaction wrote to the queues now. */
  afterCommit: () => void;
  /** Estimated prices per channel, for the cost shown before sending. */
  prices?: Prices;
}



/** Runs a broadcast action, turning a schema refusal into the one validation error shape. */
function broadcastAction<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof z.ZodError) {
      throw new AppError('validation_failed', 'Dữ liệu chưa hợp lệ.', fieldProblems(err.issues));
    }
    throw err;
  }
}

export function composeBroadcast(deps: BroadcastWebDeps, staff: StaffIdentity, input: z.input<typeof ComposeBroadcast>): Broadcast {
  const now = deps.clock.now();
  checkSegmentClasses(input.segment?.healthClasses, deps.classScheme ?? 'I-V');
  const { broadcast } = broadcastAction(() =>
    inTransaction(deps.db, (tx) => createBroadcast(tx, staffActor(staff), input, { templates: deps.templates, now })),
  );
  deps.afterCommit();
  return broadcast;
}

/** Checks a composed broadcast without storing it: the draft as it will go out and its recipient count now. */
export function checkDraft(deps: BroadcastWebDeps, input: z.input<typeof BroadcastDraft>) {
  checkSegmentClasses(input.segment?.healthClasses, deps.classScheme ?? 'I-V');
  return broadcastAction(() => checkBroadcastDraft(deps.db, input, { templates: deps.templates, now: deps.clock.now() }));
}

export function previewFor(deps: BroadcastWebDeps, segment: SegmentFilter, templateName: string | null) {
  checkSegmentClasses(segment.healthClasses, deps.classScheme ?? 'I-V');
  if (templateName && !deps.templates[templateName]) throw new AppError('validation_failed', `Mẫu tin Zalo "${templateName}" chưa được cấu hình.`);
  return broadcastAction(() => previewSegment(deps.db, segment, { templateConfigured: Boolean(templateName), now: deps.clock.now() }));
}

export type BroadcastCommand = 'pause' | 'resume' | 'cancel';

export function runBroadcastCommand(deps: BroadcastWebDeps, staff: StaffIdentity, id: number, command: BroadcastCommand): Broadcast {
  const now = deps.clock.now();
  const actor = staffActor(staff);
  const result = broadcastAction(() =>
    inTransaction(deps.db, (tx) => {
      if (command === 'pause') return { broadcast: pauseBroadcast(tx, actor, id, now), outboxId: null };
      if (command === 'cancel') return { broadcast: cancelBroadcast(tx, actor, id, now), outboxId: null };
      return resumeBroadcast(tx, actor, id, now);
    }),
  );
  if (result.outboxId !== null) deps.afterCommit();
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
const exportColumns: SheetColumn[] = [
  { header: 'Mã cán bộ', width: 14 },
  { header: 'Họ tên', width: 28 },
  { header: 'Đơn vị', width: 28 },
  { header: 'Trạng thái', width: 12 },
  { header: 'Kênh', width: 20 },
  { header: 'Lý do', width: 40 },
  { header: 'Gửi lúc', kind: 'datetime', width: 18 },
];
const exportRow = (r: RecipientResult): SheetCell[] => [
  r.cadreCode,
  r.fullName,
  r.unit,
  recipientStatusLabels[r.status],
  r.channel ? (channelLabels[r.channel] ?? '') : '',
  reasonLabel(r.reason),
  r.sentAt,
];

/** Per-recipient results as CSV (UTF-8 with BOM, for Excel) or xlsx; the export is audited. */
export async function exportResults(deps: BroadcastWebDeps, staff: StaffIdentity, id: number, format: 'csv' | 'xlsx') {
  const b = broadcastOrThrow(deps, id);
  const rows = recipientResults(deps.db, id);
  inTransaction(deps.db, (tx) =>
    recordAudit(tx, staffActor(staff), { action: 'broadcast.export', entity: 'broadcast', entityId: id, detail: { format, rows: rows.length } }, deps.clock.now()),
  );
  const name = `thong-bao-${b.id}-ket-qua.${format}`;
  if (format === 'csv') return { fileName: name, contentType: CSV_MIME, body: new Uint8Array(Buffer.from(writeCsv(exportColumns, rows.map(exportRow)), 'utf8')) };
  const body = await writeWorkbook([{ name: 'Kết quả gửi', heading: [deps.committeeName, `Kết quả gửi thông báo “${b.title}”`], columns: exportColumns, rows: rows.map(exportRow) }]);
  return { fileName: name, contentType: XLSX_MIME, body: new Uint8Array(body) };
}

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
