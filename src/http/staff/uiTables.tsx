import type { Child } from 'hono/jsx';
import { CsrfField } from './layout';
import { DataTable } from './uiParts';

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
