/** A table cell: text, a count, a share (null: no denominator, shown "—"), or an ISO date in a date column. */
export type Cell = string | number | null;

/** One table of the committee's report: the page shows it and the xlsx file writes it as one sheet. */
export interface ReportTable {
  key: 'campaigns' | 'units' | 'clinics' | 'noShows' | 'calls' | 'classes' | 'followUps' | 'ratings' | 'requests' | 'broadcasts' | 'spend';
  title: string;
  headers: string[];
  rows: Cell[][];
  /** Columns holding a share (0..1), shown as a percentage. */
  percentColumns: number[];
  /** Columns holding a number with decimals (an average score). */
  decimalColumns?: number[];
  /** Columns holding a local date (YYYY-MM-DD), shown dd/mm/yyyy and written as date cells. */
  dateColumns?: number[];
  /** A closing line (totals, definitions). */
  note?: string;
}
