import type { DbOrTx } from './db';
import { auditLog } from './schema';

export interface AuditActor {
  type: 'staff' | 'zalo' | 'system';
  id: string;
  /** When a proxy acts: the cadre they act for. */
  onBehalfOfCadreId?: number | null;
}

export interface AuditRecord {
  action: string;
  entity: string;
  entityId?: string | number | null;
  /** Ids and small facts only, never health data. */
  detail?: Record<string, unknown>;
}

/** Appends one audit row; call it inside the transaction that does the audited thing. */
export function recordAudit(tx: DbOrTx, actor: AuditActor, record: AuditRecord, now: number): void {
  tx.insert(auditLog)
    .values({
      at: now,
      actorType: actor.type,
      actorId: actor.id,
      onBehalfOfCadreId: actor.onBehalfOfCadreId ?? null,
      action: record.action,
      entity: record.entity,
      entityId: record.entityId === undefined || record.entityId === null ? null : String(record.entityId),
      detail: record.detail ?? null,
    })
    .run();
}
