import type { DbOrTx } from '../../store/db';
import { addDays, formatIsoDate } from '../shared/dates';
import { vietnamInstant } from '../shared/quietHours';
import type { ClassSchemeId } from '../results/classification';
import { aftercareTables, broadcastsTable, requestsTable } from './activityTables';
import { clinicNames } from './clinicNames';
import { callsTable, classesTable, examinedTables } from './examinedTables';
import type { ReportTable } from './reportTable';
import { resolveSelection, type ReportQuery } from './selection';

/**
 * The committee's figures for a period or an exam campaign. One function builds every number; the page
 * shows its tables and the xlsx file writes the same tables, so the two always agree.
 *
 * Definitions:
 * - eligible: active cadres in the campaign's eligible categories (the registry as it is now);
 * - examined: an eligible cadre with an attended booking in the campaign, or an exam result entered for it;
 * - unit and clinic: the cadre's unit and registered clinic in the registry;
 * - classification: the latest released result of each cadre in scope (Loại I–V, or not yet classified);
 * - requests: made in the period; SLA met = acknowledged before the deadline, over those decided (met + breached);
 * - broadcasts: starting in the period, recipients by outcome; opt-outs: "dừng nhận tin" commands in the period.
 */

export interface Report {
  title: string;
  /** Local dates, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  campaign: { id: number; name: string } | null;
  campaignsCovered: { id: number; name: string }[];
  tables: ReportTable[];
  optOuts: number;
  optIns: number;
}

/** The report; the classification mix lists the classes of `scheme` (the committee's), and any of another scheme that results still hold. */
export function buildReport(db: DbOrTx, q: ReportQuery, now: number, scheme: ClassSchemeId = 'I-V'): Report {
  const sel = resolveSelection(db, q, now);
  const fromMs = vietnamInstant(sel.from, 0);
  const toMs = vietnamInstant(addDays(sel.to, 1), 0);
  const broadcastFigures = broadcastsTable(db, fromMs, toMs);
  const tables: ReportTable[] = [
    ...examinedTables(db, sel, now, clinicNames(db)),
    callsTable(db, sel),
    classesTable(db, sel, scheme),
    ...aftercareTables(db, sel, now, fromMs, toMs),
    requestsTable(db, fromMs, toMs),
    broadcastFigures.table,
  ];
  return {
    title: sel.campaign ? `Báo cáo ${sel.campaign.name}` : `Báo cáo từ ${formatIsoDate(sel.from)} – ${formatIsoDate(sel.to)}`,
    from: sel.from,
    to: sel.to,
    campaign: sel.campaign ? { id: sel.campaign.id, name: sel.campaign.name } : null,
    campaignsCovered: sel.covered.map((c) => ({ id: c.id, name: c.name })),
    tables,
    optOuts: broadcastFigures.optOuts,
    optIns: broadcastFigures.optIns,
  };
}
