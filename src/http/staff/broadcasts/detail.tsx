import { Hono } from 'hono';
import { z } from 'zod';
import { broadcastStatusLabels } from '../../../domain/broadcasts/broadcasts';
import { broadcastOrThrow, channelLabels, exportResults, reasonLabel, recipientStatusLabels, runBroadcastCommand, type BroadcastWebDeps } from '../../../domain/broadcasts/manage';
import { broadcastProgress, listBroadcasts, recipientResults } from '../../../domain/broadcasts/progress';
import { countSegment, describeSegment, SegmentFilter } from '../../../domain/broadcasts/segments';
import { pageParam } from '../../../domain/shared/listing';
import type { Broadcast } from '../../../store/schema';
import { currentStaff, type StaffEnv } from '../../auth/session';
import { FileFormatQuery, sendFile } from '../../download';
import { IdParam, validate } from '../../validation';
import { CsrfField, type Flash } from '../layout';
import { fmtDateTime, ListCount, ListPager, page, PostButton, type StaffContext } from '../ui';
import { type Column, RowsTable } from '../uiParts';
import { ProgressBox, statusBadge } from './boxes';

const flashes: Record<string, Flash> = {
  created: { kind: 'ok', text: 'Đã tạo thông báo. Hệ thống sẽ gửi theo thời điểm đã chọn.' },
  pause: { kind: 'ok', text: 'Đã tạm dừng. Tin đang gửi dở sẽ hoàn tất; người còn lại chờ đến khi tiếp tục.' },
  resume: { kind: 'ok', text: 'Đã tiếp tục gửi.' },
  cancel: { kind: 'warn', text: 'Đã hủy. Người chưa nhận sẽ không nhận được thông báo này.' },
};

function broadcastColumns(deps: BroadcastWebDeps): Column<Broadcast>[] {
  const progress = (b: Broadcast) => {
    const p = broadcastProgress(deps.db, b.id);
    return `${p.sent} / ${p.total}`;
  };
  return [
    { label: 'Tiêu đề', cell: (b) => <a href={`/staff/broadcasts/${b.id}`}>{b.title}</a> },
    { label: 'Trạng thái', cell: (b) => <span class={`badge ${statusBadge(b.status)}`}>{broadcastStatusLabels[b.status]}</span> },
    { label: 'Bắt đầu', cell: (b) => fmtDateTime(b.startAt) },
    { label: 'Đã gửi', heading: 'Đã gửi / người nhận', cell: progress },
  ];
}

function listPage(deps: BroadcastWebDeps, c: StaffContext, pageNo: number) {
  const { items, window } = listBroadcasts(deps.db, pageNo);
  return page(
    c,
    deps.committeeName,
    'Thông báo chung',
    <>
      <p class="actions">
        <a class="btn" href="/staff/broadcasts/new">
          Soạn thông báo mới
        </a>
      </p>
      <ListCount window={window} noun="thông báo" />
      <RowsTable columns={broadcastColumns(deps)} rows={items} empty="Chưa có thông báo nào." />
      <ListPager window={window} query={{}} noun="thông báo" />
    </>,
  );
}

/** When, to whom, with which template, and the text itself. */
function BroadcastSummary(props: { deps: BroadcastWebDeps; b: Broadcast }) {
  const { deps, b } = props;
  return (
    <div class="card">
      <dl class="kv">
        <dt>Bắt đầu</dt>
        <dd>
          {fmtDateTime(b.startAt)}
          {b.startAt !== b.requestedAt ? <span class="small muted"> (dời khỏi giờ nghỉ 21:00–7:00; đã chọn {fmtDateTime(b.requestedAt)})</span> : null}
        </dd>
        <dt>Người nhận</dt>
        <dd>
          {describeSegment(deps.db, SegmentFilter.parse(b.segment))}
          {b.status === 'scheduled' || !b.fanoutDone ? (
            <span class="small muted"> (dự kiến {countSegment(deps.db, SegmentFilter.parse(b.segment))} người; tính lại lúc gửi)</span>
          ) : null}
        </dd>
        <dt>Mẫu tin Zalo</dt>
        <dd>{b.templateName ?? 'Không dùng'}</dd>
      </dl>
      <pre style="white-space:pre-wrap;font:inherit;background:#fafbfc;border:1px solid var(--line);border-radius:8px;padding:.6rem">{b.text}</pre>
    </div>
  );
}

/** Pause / resume / cancel as the status allows, and the two exports. */
function BroadcastActions(props: { b: Broadcast; token: string }) {
  const { b, token } = props;
  return (
    <div class="actions" style="margin-bottom:1rem">
      {b.status === 'running' || b.status === 'scheduled' ? <PostButton action={`/staff/broadcasts/${b.id}/pause`} token={token} class="btn secondary" label="Tạm dừng" /> : null}
      {b.status === 'paused' ? <PostButton action={`/staff/broadcasts/${b.id}/resume`} token={token} class="btn" label="Tiếp tục" /> : null}
      {b.status !== 'done' && b.status !== 'cancelled' ? (
        <a class="btn danger" href={`/staff/broadcasts/${b.id}/cancel`}>
          Hủy thông báo
        </a>
      ) : null}
      <a class="btn secondary" href={`/staff/broadcasts/${b.id}/export?format=xlsx`}>
        Tải kết quả (Excel)
      </a>
      <a class="btn secondary" href={`/staff/broadcasts/${b.id}/export?format=csv`}>
        Tải kết quả (CSV)
      </a>
    </div>
  );
}

const recipientColumns: Column<ReturnType<typeof recipientResults>[number]>[] = [
  {
    label: 'Cán bộ',
    cell: (r) => (
      <>
        {r.fullName} <span class="small muted">{r.cadreCode}</span>
      </>
    ),
  },
  { label: 'Trạng thái', cell: (r) => recipientStatusLabels[r.status] },
  { label: 'Kênh', cell: (r) => (r.channel ? channelLabels[r.channel] : '') },
  { label: 'Lý do', cell: (r) => reasonLabel(r.reason) },
];

function detailPage(deps: BroadcastWebDeps, c: StaffContext, id: number, msg: string | undefined) {
  const b = broadcastOrThrow(deps, id);
  const live = b.status === 'running' || b.status === 'scheduled';
  return page(
    c,
    deps.committeeName,
    b.title,
    <>
      <BroadcastSummary deps={deps} b={b} />
      <div class="card" id="progress-card" data-live={live ? '1' : '0'} data-src={`/staff/broadcasts/${b.id}/progress`}>
        <ProgressBox p={broadcastProgress(deps.db, b.id)} status={b.status} />
      </div>
      <BroadcastActions b={b} token={c.get('csrfToken')} />
      <h2>20 người nhận đầu tiên (tải kết quả để xem đủ)</h2>
      <RowsTable columns={recipientColumns} rows={recipientResults(deps.db, b.id, 0, 20)} />
      <script src="/static/broadcast-progress.js" defer></script>
    </>,
    { flash: flashes[msg ?? ''] ?? null },
  );
}

function cancelPage(deps: BroadcastWebDeps, c: StaffContext, id: number) {
  const b = broadcastOrThrow(deps, id);
  const p = broadcastProgress(deps.db, b.id);
  const waiting = b.fanoutDone ? p.queued : countSegment(deps.db, SegmentFilter.parse(b.segment)) - (p.total - p.queued);
  return page(
    c,
    deps.committeeName,
    'Hủy thông báo?',
    <form method="post" action={`/staff/broadcasts/${b.id}/cancel`} class="card">
      <CsrfField token={c.get('csrfToken')} />
      <input type="hidden" name="confirm" value="1" />
      <p>
        Hủy «{b.title}»: khoảng <b>{Math.max(0, waiting)}</b> người chưa nhận sẽ không nhận được thông báo này. Tin đã gửi không thu hồi được.
      </p>
      <div class="actions">
        <a class="btn secondary" href={`/staff/broadcasts/${b.id}`}>
          Không hủy
        </a>
        <button class="btn danger" type="submit">
          Hủy thông báo
        </button>
      </div>
    </form>,
  );
}

/** The list, one broadcast followed live, its commands (cancel asks first) and its result exports. */
export function detailRoutes(deps: BroadcastWebDeps) {
  return new Hono<StaffEnv>()
    .get('/', validate('query', z.object({ page: pageParam })), (c) => listPage(deps, c, c.req.valid('query').page))
    .get('/:id{[0-9]+}', validate('param', IdParam), validate('query', z.object({ msg: z.string().max(20).optional() })), (c) =>
      detailPage(deps, c, c.req.valid('param').id, c.req.valid('query').msg),
    )
    .get('/:id{[0-9]+}/progress', validate('param', IdParam), (c) => {
      const b = broadcastOrThrow(deps, c.req.valid('param').id);
      const final = b.status !== 'running' && b.status !== 'scheduled';
      return c.html(
        <>
          <ProgressBox p={broadcastProgress(deps.db, b.id)} status={b.status} />
          {final ? <span data-final="1" hidden /> : null}
        </>,
      );
    })
    .get('/:id{[0-9]+}/cancel', validate('param', IdParam), (c) => cancelPage(deps, c, c.req.valid('param').id))
    .post('/:id{[0-9]+}/:command{pause|resume|cancel}', validate('param', IdParam.extend({ command: z.enum(['pause', 'resume', 'cancel']) })), async (c) => {
      const { id, command } = c.req.valid('param');
      if (command === 'cancel') {
        const confirmed = (await c.req.formData()).get('confirm') === '1';
        if (!confirmed) return c.redirect(`/staff/broadcasts/${id}/cancel`, 303);
      }
      runBroadcastCommand(deps, currentStaff(c), id, command);
      return c.redirect(`/staff/broadcasts/${id}?msg=${command}`, 303);
    })
    .get('/:id{[0-9]+}/export', validate('param', IdParam), validate('query', FileFormatQuery('xlsx')), async (c) =>
      sendFile(c, await exportResults(deps, currentStaff(c), c.req.valid('param').id, c.req.valid('query').format)),
    );
}
