/**
 * Server-rendered SVG bar charts for the dashboard and reports: no script, readable without colour (each
 * bar carries its value as text), and scaled to the container width.
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

/** Horizontal bars, one row each; `max` fixes the scale (e.g. 1 for shares). */
export function BarChart(props: { bars: Bar[]; max?: number; title: string; labelWidth?: number }) {
  const rowH = 30;
  const width = 640;
  const labelW = props.labelWidth ?? 200;
  const textW = 90;
  const barW = width - labelW - textW;
  const max = props.max ?? Math.max(1, ...props.bars.map((b) => b.value));
  const height = Math.max(1, props.bars.length) * rowH + 4;
  const clip = (s: string) => (s.length > 30 ? `${s.slice(0, 29)}…` : s);
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={props.title} preserveAspectRatio="xMinYMin meet">
      <title>{props.title}</title>
      {props.bars.length === 0 ? (
        <text x="0" y="20" fill="#5c6b7a" font-size="14">
          Chưa có dữ liệu
        </text>
      ) : null}
      {props.bars.map((b, i) => {
        const y = i * rowH + 2;
        const w = max > 0 ? Math.max(b.value > 0 ? 2 : 0, Math.round((Math.min(b.value, max) / max) * barW)) : 0;
        return (
          <g>
            <text x={labelW - 8} y={y + 19} text-anchor="end" font-size="14" fill="#1d2733">
              {clip(b.label)}
            </text>
            <rect x={labelW} y={y + 4} width={barW} height={rowH - 10} rx="4" fill="#eef1f4" />
            <rect x={labelW} y={y + 4} width={w} height={rowH - 10} rx="4" fill={fills[b.tone ?? 'brand']} />
            <text x={labelW + barW + 8} y={y + 19} font-size="14" font-weight="600" fill="#1d2733">
              {b.text ?? String(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
