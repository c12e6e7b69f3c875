import type { Child } from 'hono/jsx';
import { CsrfField } from './layout';
import { EmptyRow, StatusTabs } from './ui';

/**
 * A list or figures table that reads on a phone: the `responsive` table (each cell shows its `data-label` on narrow
 * screens) in its scrolling wrapper. `columns` are the headings: a string becomes a plain `<th>`, an element (a
 * sorting heading) stands as it is, and `null` leaves a column out. `empty` is the row shown when there are no rows;
 * `total` is a row after them (a grand total); `live` marks the table as a region the live updates refresh.
 */
export function DataTable<Row>(props: {
  columns: readonly Child[];
  rows: readonly Row[];
  row: (row: Row, index: number) => Child;
  empty?: string;
  id?: string;
  class?: string;
  total?: Child;
  live?: { id: string; topic: string };
}) {
  const columns = props.columns.filter((c) => c !== null && c !== undefined && c !== false);
  return (
    <div class="table-wrap" id={props.live?.id} data-live-region={props.live?.topic}>
      <table class={props.class ? `responsive ${props.class}` : 'responsive'} id={props.id}>
        <thead>
          <tr>{columns.map((c) => (typeof c === 'string' ? <th>{c}</th> : c))}</tr>
        </thead>
        <tbody>
          {props.rows.length === 0 && props.empty ? <EmptyRow colspan={columns.length}>{props.empty}</EmptyRow> : null}
          {props.rows.map((r, i) => props.row(r, i))}
          {props.total}
        </tbody>
      </table>
    </div>
  );
}

/** One figure of a summary: the number in bold, then what it counts. */
export interface Stat {
  value: Child;
  label: Child;
  id?: string;
  /** Highlights a figure that needs attention (a quota nearly used up). */
  warn?: boolean;
}

/** A row of headline figures above a page (eligible, booked, examined…). */
export function StatSummary(props: { stats: readonly (Stat | null)[] }) {
  return (
    <div class="stats">
      {props.stats.map((s) =>
        s ? (
          <div class={s.warn ? 'stat warn' : 'stat'} id={s.id}>
            <b>{s.value}</b>
            {s.label}
          </div>
        ) : null,
      )}
    </div>
  );
}

/** A row of links that switches a list between views (status, who handles it…), named for screen readers. */
export function TabNav(props: { label: string; href: (value: string) => string; current: string; tabs: readonly (readonly [string, string])[] }) {
  return (
    <nav class="actions" style="margin-bottom:.8rem" aria-label={props.label}>
      <StatusTabs tabs={props.tabs} current={props.current} href={props.href} />
    </nav>
  );
}

/** The way back from a detail page to its list, under the page. */
export function BackLink(props: { href: string; label: string }) {
  return (
    <p>
      <a href={props.href}>{`← ${props.label}`}</a>
    </p>
  );
}

/** A card with its own heading: one part of a page (a table of figures, a form). */
export function CardSection(props: { title: string; children: Child }) {
  return (
    <section class="card">
      <h2 style="margin-top:0">{props.title}</h2>
      {props.children}
    </section>
  );
}

/** One column of a RowsTable: its heading, which is also the cell's label on a phone, and what a row shows in it. */
export interface Column<Row> {
  label: string;
  cell: (row: Row, index: number) => Child;
  /** A heading element of its own (a sorting link) instead of the plain label. */
  heading?: Child;
  /** The cell's class, the same for every row or chosen by the row (numbers aligned right). */
  class?: string | ((row: Row) => string | undefined);
  style?: string;
}

const cellClass = <Row,>(col: Column<Row>, row: Row) => (typeof col.class === 'function' ? col.class(row) : col.class);

/**
 * A DataTable whose columns are declared once, heading and cell together: each cell carries its column's label
 * (data-label, shown above the value on a phone), so the two cannot drift apart.
 */
export function RowsTable<Row>(props: {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  id?: string;
  /** The text of the row shown when there are no rows; without it an empty list shows only the headings. */
  empty?: string;
  /** Attributes of a row's `<tr>` (data-* ids the scripts and tests find rows by). */
  rowAttrs?: (row: Row) => Record<string, string | undefined>;
}) {
  const { columns } = props;
  return (
    <DataTable
      id={props.id}
      columns={columns.map((col) => col.heading ?? col.label)}
      rows={props.rows}
      empty={props.empty}
      row={(row, i) => (
        <tr {...props.rowAttrs?.(row)}>
          {columns.map((col) => (
            <td data-label={col.label} class={cellClass(col, row)} style={col.style}>
              {col.cell(row, i)}
            </td>
          ))}
        </tr>
      )}
    />
  );
}

/** A cadre's name linking to their record, with a small line under it (code, phone…). */
export function CadreLink(props: { id: number; name: string; children?: Child }) {
  return (
    <div>
      <a href={`/staff/registry/${props.id}`}>{props.name}</a>
      {props.children === undefined ? null : <div class="small muted">{props.children}</div>}
    </div>
  );
}

/** Approve or reject a waiting request, with a note the requester is told when it is refused. */
export function DecisionForm(props: { approveAction: string; rejectAction: string; approveLabel: string; token: string }) {
  return (
    <form method="post" class="actions" action={props.approveAction}>
      <CsrfField token={props.token} />
      <input type="text" name="note" placeholder="Lý do (nếu từ chối)" maxlength={500} style="max-width:14rem" />
      <button class="btn small" type="submit">
        {props.approveLabel}
      </button>
      <button class="btn danger small" type="submit" formaction={props.rejectAction}>
        Từ chối
      </button>
    </form>
  );
}
