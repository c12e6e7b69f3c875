import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Who did what to which record, when: every read of health data, link and unlink, proxy change, export and
 * staff login. `detail` carries ids and small facts, never health data.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorType: text('actor_type', { enum: ['staff', 'zalo', 'system'] }).notNull(),
    /** Staff id or Zalo user id. */
    actorId: text('actor_id').notNull(),
    /** Set when a proxy acted: the cadre they acted for. */
    onBehalfOfCadreId: integer('on_behalf_of_cadre_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    detail: text('detail', { mode: 'json' }),
  },
  (t) => [index('audit_at').on(t.at), index('audit_entity').on(t.entity, t.entityId)],
);

export type AuditEntry = typeof auditLog.$inferSelect;
