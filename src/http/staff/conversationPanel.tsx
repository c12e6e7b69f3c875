import type { ContactPanel } from '../../domain/conversations/contactPanel';
import type { DeliveryState } from '../../domain/conversations/handoff';
import { healthClassLabel } from '../../domain/results/classification';
import { fmtDate, fmtDateTime, PhoneLink } from './ui';

/** Pieces of the agent's conversation pages: the contact panel and each reply's delivery state. */

export const conversationCss = `
.convo{display:grid;gap:1rem;grid-template-columns:minmax(0,1fr) 20rem;align-items:start}
.convo .card{margin-bottom:0}
.convo>div{display:grid;gap:1rem;align-content:start}
.contact h2{margin:0 0 .5rem;font-size:1.05rem}
.contact h3{margin:.9rem 0 .3rem;font-size:.9rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.contact ul{margin:0;padding-left:1.1rem}
.contact .tel{font-weight:600;font-size:1.05rem}
@media (max-width:900px){.convo{grid-template-columns:1fr}}
`;

const deliveryLabels: Record<DeliveryState, { text: string; tone: string }> = {
  sending: { text: 'Đang gửi', tone: 'warn' },
  sent: { text: 'Đã gửi tới Zalo', tone: 'ok' },
  failed: { text: 'Gửi không được', tone: 'bad' },
  cancelled: { text: 'Đã hủy', tone: '' },
  unknown: { text: 'Không rõ', tone: '' },
};

export function DeliveryBadge(props: { state: DeliveryState; at: number | null }) {
  const l = deliveryLabels[props.state];
  return (
    <span class={`badge ${l.tone}`} data-delivery={props.state} title={props.at ? fmtDateTime(props.at) : undefined}>
      {l.text}
      {props.state === 'sent' && props.at ? ` ${fmtDateTime(props.at).slice(11)}` : ''}
    </span>
  );
}

export function ContactPanelCard(props: { panel: ContactPanel }) {
  const p = props.panel;
  return (
    <aside class="card contact" aria-label="Thông tin cán bộ" id="contact-panel">
      <h2>
        <a href={`/staff/registry/${p.cadre.id}`}>{p.cadre.fullName}</a>
      </h2>
      <div class="small muted">Mã {p.cadre.code}</div>
      <div style="margin-top:.4rem">
        <PhoneLink phone={p.cadre.phone} empty="Chưa có số điện thoại" />
      </div>
      <h3>Lịch khám sắp tới</h3>
      {p.bookings.length ? (
        <ul>
          {p.bookings.map((b) => (
            <li>
              {fmtDate(b.slot.localDate)} {fmtDateTime(b.slot.startsAt).slice(11)} · {b.clinic.name}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted small">Chưa có lịch.</p>
      )}
      <h3>Yêu cầu đang mở</h3>
      {p.openRequests.length ? (
        <ul>
          {p.openRequests.map((r) => (
            <li>
              <a href={`/staff/requests/${r.id}`}>{r.ticket}</a> · {r.typeLabel}
              {r.urgent ? <span class="badge bad"> Gấp</span> : null} · <span class="small">{r.stateLabel}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted small">Không có.</p>
      )}
      {p.results ? (
        <>
          <h3>Kết quả khám</h3>
          {p.results.released ? (
            <p class="small" style="margin:0">
              {p.results.released} kết quả đã công bố; gần nhất {fmtDate(p.results.latestDate)}: {healthClassLabel(p.results.latestClass as Parameters<typeof healthClassLabel>[0])}
            </p>
          ) : (
            <p class="muted small">Chưa có kết quả đã công bố.</p>
          )}
        </>
      ) : null}
      <h3>Người đại diện</h3>
      {p.proxies.length ? (
        <ul>
          {p.proxies.map((x) => (
            <li>
              {x.name || 'Chưa rõ tên'}
              {x.relation ? ` (${x.relation})` : ''} · <PhoneLink phone={x.phone} />
              {x.status === 'pending' ? <span class="badge warn"> Chờ duyệt</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted small">Không có.</p>
      )}
    </aside>
  );
}
