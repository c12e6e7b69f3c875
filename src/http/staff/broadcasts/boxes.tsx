import { estimateCost, formatVnd, type Prices } from '../../../domain/outreach/prices';
import { broadcastTextAsSent, broadcastStatusLabels } from '../../../domain/broadcasts/broadcasts';
import type { BroadcastProgress } from '../../../domain/broadcasts/progress';
import { skipReasonLabels, type SegmentPreview } from '../../../domain/broadcasts/segments';
import type { Broadcast } from '../../../store/schema';
import type { ComposeForm } from './composeForm';


export function ProgressBox(props: { p: BroadcastProgress; status: Broadcast['status'] }) {
  const { p } = props;
  const pct = p.total ? Math.round(((p.total - p.queued) / p.total) * 100) : props.status === 'done' ? 100 : 0;
  return (
    <div id="progress">
      <div class="stats">
        <div class="stat">
          <span class="muted small">Trạng thái</span>
          <b>{broadcastStatusLabels[props.status]}</b>
        </div>
        <div class="stat">
          <span class="muted small">Người nhận</span>
          <b>{p.total}</b>
        </div>
        <div class="stat">
          <span class="muted small">Chờ gửi</span>
          <b>{p.queued}</b>
        </div>
        <div class="stat">
          <span class="muted small">Đã gửi</span>
          <b>{p.sent}</b>
        </div>
        <div class="stat">
          <span class="muted small">Lỗi</span>
          <b>{p.failed}</b>
        </div>
        <div class="stat">
          <span class="muted small">Bỏ qua</span>
          <b>{p.skipped.opted_out + p.skipped.no_zalo_link + p.skipped.no_channel + p.skipped.other}</b>
        </div>
        <div class="stat">
          <span class="muted small">Đã hủy</span>
          <b>{p.cancelled}</b>
        </div>
      </div>
      <progress max={100} value={pct} style="width:100%" aria-label="Tiến độ" />
      <dl class="kv" style="margin-top:.8rem">
        <dt>Zalo (tin tư vấn)</dt>
        <dd>{p.byChannel.zalo}</dd>
        <dt>Zalo (mẫu tin)</dt>
        <dd>{p.byChannel.zalo_template}</dd>
        <dt>Chuyển sang email</dt>
        <dd>{p.fellBackToEmail}</dd>
        <dt>Bỏ qua: {skipReasonLabels.opted_out}</dt>
        <dd>{p.skipped.opted_out}</dd>
        <dt>Bỏ qua: {skipReasonLabels.no_zalo_link}</dt>
        <dd>{p.skipped.no_zalo_link}</dd>
        <dt>Bỏ qua: {skipReasonLabels.no_channel}</dt>
        <dd>{p.skipped.no_channel + p.skipped.other}</dd>
      </dl>
    </div>
  );
}

export function PreviewBox(props: { preview: SegmentPreview; segmentText?: string; prices?: Prices }) {
  const { preview } = props;
  return (
    <div class="card" id="preview">
      <h2 style="margin-top:0">Xem trước: {preview.count} người nhận</h2>
      {props.segmentText ? <p>{props.segmentText}</p> : null}
      {preview.sample.length ? (
        <p class="small">
          Ví dụ: {preview.sample.map((s) => s.fullName).join(', ')}
          {preview.count > preview.sample.length ? ', …' : ''}
        </p>
      ) : (
        <p class="muted">Không có cán bộ nào trong nhóm này.</p>
      )}
      <dl class="kv">
        <dt>Zalo (tin tư vấn, trong 7 ngày tương tác)</dt>
        <dd>{preview.byChannel.zalo}</dd>
        <dt>Zalo (mẫu tin đã duyệt)</dt>
        <dd>{preview.byChannel.zalo_template}</dd>
        <dt>Email</dt>
        <dd>{preview.byChannel.email}</dd>
        {props.prices ? (
          <>
            <dt>Chi phí ước tính (tối đa, chưa gồm VAT)</dt>
            <dd id="broadcast-cost">{formatVnd(estimateCost(props.prices, preview.byChannel))}</dd>
          </>
        ) : null}
        {(Object.keys(preview.skipped) as (keyof SegmentPreview['skipped'])[]).map((k) => (
          <>
            <dt>Bỏ qua: {skipReasonLabels[k]}</dt>
            <dd>{preview.skipped[k]}</dd>
          </>
        ))}
      </dl>
    </div>
  );
}

/** The composed form carried through the confirm step unchanged, as hidden fields. */
export function ComposeHiddenFields(props: { form: ComposeForm }) {
  const f = props.form;
  const one = (name: string, value: string) => <input type="hidden" name={name} value={value} />;
  const many = (name: string, values: string[]) => values.map((v) => one(name, v));
  return (
    <>
      {one('title', f.title)}
      {one('text', f.text)}
      {one('buttons', f.buttons)}
      {one('templateName', f.templateName)}
      {many('categories', f.categories)}
      {many('units', f.units)}
      {many('clinicIds', f.clinicIds)}
      {many('healthClasses', f.healthClasses)}
      {one('campaignNotBooked', f.campaignNotBooked)}
      {f.linkedOnly ? one('linkedOnly', 'on') : null}
      {f.everyone ? one('everyone', 'on') : null}
      {one('when', f.when)}
      {one('date', f.date)}
      {one('time', f.time)}
    </>
  );
}

/** The message as a cadre will read it on Zalo: text, the opt-out line, the buttons. */
export function MessageAsSeen(props: { text: string; buttons: { title: string }[] }) {
  return (
    <div class="zalo-bubble" style="max-width:30rem;background:#eef6ff;border:1px solid var(--line);border-radius:12px;padding:.7rem .9rem">
      <div style="white-space:pre-wrap">{broadcastTextAsSent({ text: props.text })}</div>
      {props.buttons.length ? (
        <div style="display:flex;flex-direction:column;gap:.3rem;margin-top:.6rem">
          {props.buttons.map((b) => (
            <span style="display:block;text-align:center;border:1px solid #9ec5f8;border-radius:8px;padding:.35rem;background:#fff">{b.title}</span>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export const statusBadge = (s: Broadcast['status']) =>
  ({ scheduled: 'warn', running: 'ok', paused: 'warn', cancelled: 'bad', done: '' })[s];
