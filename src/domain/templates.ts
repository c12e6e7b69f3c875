import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../store/db';
import { noticeTemplates } from '../store/schema';

/** Zalo accepts by user id only templates approved from this date; older ones go by phone only (ZALO.md §7). */
export const TEMPLATE_BY_USER_SINCE = '2025-12-10';

/** An approved Zalo template for one template name of our notices, and how Zalo lets it be sent. */
export interface ResolvedTemplate {
  name: string;
  templateId: string;
  byUserId: boolean;
  byPhone: boolean;
}

/**
 * The approved template for `name`: the one staff set on the templates page, else the configured id
 * (ZALO_TEMPLATES, approval date unknown: both ways are tried). Null when none is approved.
 */
export function resolveTemplate(db: DbOrTx, configured: Record<string, string>, name: string): ResolvedTemplate | null {
  const row = db.select().from(noticeTemplates).where(eq(noticeTemplates.name, name)).get();
  if (row) {
    if (row.status !== 'approved') return null;
    return { name, templateId: row.templateId, byUserId: row.approvedOn === null || row.approvedOn >= TEMPLATE_BY_USER_SINCE, byPhone: true };
  }
  const id = configured[name];
  return id ? { name, templateId: id, byUserId: true, byPhone: true } : null;
}
