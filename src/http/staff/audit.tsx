import { Hono } from 'hono';
import type { z } from 'zod';
import { auditActionLabel, auditActorText, auditEntityLabel, auditSentence } from '../../domain/staff/auditText';
import { formatIsoDate } from '../../domain/shared/dates';
import { vietnamDate } from '../../domain/shared/quietHours';
import { writeWorkbook, XLSX_MIME } from '../../domain/shared/spreadsheet';
import { recordAudit } from '../../store/audit';
import { currentStaff, requirePermission, type StaffEnv } from '../auth/session';
import { validate } from '../validation';
import { sendFile } from '../download';
import { staffActor } from '../../domain/staff/actor';
import { AuditQuery, auditEntriesMatching, searchAudit } from '../../domain/staff/auditSearch';
import type { StaffDeps } from '../deps';
import { DateInput, FilterSelect, fmtCount, fmtDateTime, ListCount, ListPager, page, withQuery, type StaffContext } from './ui';
import { FilterButtons } from './formFields';
import { type Column, RowsTable } from './uiParts';

const ExportQuery = AuditQuery.omit({ page: true });
type ExportQuery = z.infer<typeof ExportQuery>;

type AuditSearch = ReturnType<typeof searchAudit>;

function AuditFilters(props: { q: AuditQuery; r: AuditSearch }) {
  const { q, r } = props;
  return (
    <form method="get" class="card" role="search">
      <div class="grid">
        <div>
          <label for="from">Từ ngày</label>
          <DateInput name="from" value={q.from} />
        </div>
        <div>
          <label for="to">Đến ngày</label>
          <DateInput name="to" value={q.to} />
        </div>
        <FilterSelect
          name="actor"
          label="Người thực hiện"
          options={[
            ...r.actors.map((a) => ({ value: String(a.id), label: `${a.fullName} (${a.username})` })),
            { value: 'zalo', label: 'Người dùng Zalo' },
            { value: 'system', label: 'Hệ thống' },
          ]}
          selected={q.actor}
        />
        <FilterSelect
          name="action"
          label="Việc làm"
          options={r.actions.map((a) => ({ value: a, label: auditActionLabel(a) })).sort((x, y) => x.label.localeCompare(y.label, 'vi'))}
          selected={q.action}
        />
        <FilterSelect name="entity" label="Đối tượng" options={r.entities.map((e) => ({ value: e, label: auditEntityLabel(e) }))} selected={q.entity} />
        <div>
          <label for="entityId">Số của đối tượng</label>
          <input type="text" id="entityId" name="entityId" value={q.entityId ?? ''} />
        </div>
        <FilterButtons clearHref="/staff/audit" />
      </div>
    </form>
  );
}

const auditColumns: Column<AuditSearch['items'][number]>[] = [
  { label: 'Thời gian', style: 'white-space:nowrap', cell: ({ entry }) => fmtDateTime(entry.at) },
  { label: 'Diễn giải', cell: ({ entry, actorName }) => auditSentence({ ...entry, actorName }) },
];

function listPage(deps: StaffDeps, c: StaffContext, q: AuditQuery) {
  const r = searchAudit(deps.db, q);
  const { page: _page, ...filter } = q;
  const listQuery = { ...filter };
  return page(
    c,
    deps.committee.name,
    'Nhật ký hoạt động',
    <>
      <AuditFilters q={q} r={r} />
      <div class="actions list-pager">
        <ListCount window={r.window} noun="mục, mới nhất trước" />
        <a class="btn secondary small" id="audit-export" href={`/staff/audit/export${withQuery(listQuery)}`}>
          Xuất Excel{r.total ? ` (${fmtCount(r.total)})` : ''}
        </a>
      </div>
      <RowsTable id="audit" columns={auditColumns} rows={r.items} empty="Không có mục nào khớp điều kiện lọc." />
      <ListPager window={r.window} query={listQuery} noun="mục" />
    </>,
  );
}

/** The filtered log as one sheet: each entry as a sentence, with who, what and on which record in columns. */
function auditWorkbook(deps: StaffDeps, q: ExportQuery, rows: ReturnType<typeof auditEntriesMatching>) {
  return writeWorkbook([
    {
      name: 'Nhật ký',
      heading: [deps.committee.name, `Nhật ký hoạt động${q.from || q.to ? ` từ ${q.from ? formatIsoDate(q.from) : '…'} đến ${q.to ? formatIsoDate(q.to) : '…'}` : ''}`],
      columns: [
        { header: 'Thời gian', kind: 'datetime' },
        { header: 'Người thực hiện', width: 28 },
        { header: 'Việc làm', width: 30 },
        { header: 'Đối tượng', width: 18 },
        { header: 'Số', width: 10 },
        { header: 'Diễn giải', width: 80 },
        { header: 'Mã việc làm', width: 20 },
      ],
      rows: rows.map(({ entry, actorName }) => [
        entry.at,
        auditActorText({ ...entry, actorName }),
        auditActionLabel(entry.action),
        auditEntityLabel(entry.entity),
        entry.entityId,
        auditSentence({ ...entry, actorName }),
        entry.action,
      ]),
    },
  ]);
}

/** /staff/audit: who did what, as sentences, newest first, filtered by date, person and action; the same as xlsx (admins only). */
export function auditPages(deps: StaffDeps) {
  return new Hono<StaffEnv>()
    .get('/', requirePermission('audit', 'read'), validate('query', AuditQuery), (c) => listPage(deps, c, c.req.valid('query')))
    .get('/export', requirePermission('audit', 'read'), validate('query', ExportQuery), async (c) => {
      const q = c.req.valid('query');
      const rows = auditEntriesMatching(deps.db, q);
      const now = deps.clock.now();
      const body = await auditWorkbook(deps, q, rows);
      recordAudit(deps.db, staffActor(currentStaff(c)), { action: 'audit.export', entity: 'audit_log', detail: { rows: rows.length, format: 'xlsx' } }, now);
      return sendFile(c, { body: new Uint8Array(body), contentType: XLSX_MIME, fileName: `nhat-ky-${vietnamDate(now)}.xlsx` });
    });
}
