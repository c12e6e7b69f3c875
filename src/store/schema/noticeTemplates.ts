import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { staffUsers } from './staff';

export const templateStatuses = ['approved', 'pending', 'rejected', 'disabled'] as const;
export type TemplateStatus = (typeof templateStatuses)[number];

/** Where one template parameter takes its value from, e.g. { param: 'ten_khach_hang', source: 'name' }. */
export interface TemplateParam {
  param: string;
  source: string;
}

/**
 * The Zalo template (ZBS Template Message) staff chose for one template name of our notices, e.g.
 * 'booking_reminder'. Zalo accepts by user id only templates approved from 2025-12-10; older ones by phone only.
 */
export const noticeTemplates = sqliteTable('notice_templates', {
  name: text('name').primaryKey(),
  templateId: text('template_id').notNull(),
  status: text('status', { enum: templateStatuses }).notNull().default('approved'),
  /** Local date Zalo approved it (YYYY-MM-DD); null when unknown. */
  approvedOn: text('approved_on'),
  params: text('params', { mode: 'json' }).$type<TemplateParam[]>().notNull().default([]),
  /** The approved body as registered with Zalo, with <param> placeholders, for the preview. */
  body: text('body').notNull().default(''),
  updatedAt: integer('updated_at').notNull(),
  updatedByStaffId: integer('updated_by_staff_id').references(() => staffUsers.id),
});

export type NoticeTemplate = typeof noticeTemplates.$inferSelect;
