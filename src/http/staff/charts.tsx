import { raw } from 'hono/html';

/**
 * Server-rendered bar charts for the dashboard and reports: each row is an HTML label, an SVG bar and the
 * value as text, so the text keeps its size on a phone, nothing needs a script, and the value is readable
 * without the colour.
 */

export interface Bar {
  label: string;
  value: number;
  /** Text after the bar; the value when omitted. */
  text?: string;
  tone?: 'brand' | 'ok' | 'warn' | 'bad' | 'muted';
}

const fills: Record<NonNullable<Bar['tone']>, string> = {
  brand: '#0b6e4f',
  ok: '#2f9e6b',
  warn: '#d18a00',
  bad: '#c8372d',
  muted: '#9aa7b4',
};

export const chartCss = `
.bars{display:grid;grid-template-columns:minmax(6rem,max-content) minmax(4rem,1fr) max-content;gap:.35rem .6rem;align-items:center;font-size:.9rem}
.bars .bar-label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:14rem}
.bars .bar-value{font-weight:600;font-variant-numeric:tabular-nums;white-space:nowrap}
.bars svg{display:block;width:100%;height:1rem}
.bars-empty{color:var(--muted);margin:.2rem 0}
@media (max-width:640px){.bars .bar-label{max-width:9rem}}
`;

/** Horizontal bars, one row each; `max` fixes the scale (e.g. 1 for shares). */
export function BarChart(props: { bars: Bar[]; max?: number; title: string }) {
  if (!props.bars.length) return <p class="bars-empty">Chưa có dữ liệu</p>;
  const max = props.max ?? Math.max(1, ...props.bars.map((b) => b.value));
  return (
    <div class="bars" role="img" aria-label={props.title}>
      {props.bars.map((b) => {
        const pct = max > 0 ? Math.min(100, (Math.max(0, b.value) / max) * 100) : 0;
        const w = b.value > 0 ? Math.max(1.5, pct) : 0;
        return (
          <>
            <span class="bar-label" title={b.label}>
              {b.label}
            </span>
            {raw(
              `<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect x="0" y="0" width="100" height="10" rx="2" fill="#eef1f4"/><rect x="0" y="0" width="${w.toFixed(2)}" height="10" rx="2" fill="${fills[b.tone ?? 'brand']}"/></svg>`,
            )}
            <span class="bar-value">{b.text ?? b.value.toLocaleString('vi-VN')}</span>
          </>
        );
      })}
    </div>
  );
}
