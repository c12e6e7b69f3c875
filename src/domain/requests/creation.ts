import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { enqueue } from '../../jobs/enqueue';
import { careRequestEvents, careRequests, type CareRequestType, type CareRequestUrgency, type TimeOfDay } from '../../store/schema';
import type { ChatAttachment } from '../../store/schema';

export interface NewRequest {
  type: CareRequestType;
  cadreId: number | null;
  clinicId: number | null;
  viaProxy: boolean;
  urgency: CareRequestUrgency;
  details: string;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  preferredDate?: string | null;
  preferredTime?: TimeOfDay | null;
  ackDueAt: number;
  /** Photos or files sent in chat while it was being filed. */
  attachments?: ChatAttachment[];
  /** 1: the clinic head is told first (e.g. a low rating of the clinic); default 0, the clinic's staff. */
  firstLevel?: 0 | 1;
}

export const requestSubject = (id: number) => `request-${id}`;

export function addTimeline(
  tx: DbOrTx,
  requestId: number,
  kind: string,
  actor: { type: 'staff' | 'zalo' | 'system' | 'link'; id?: string | null },
  detail: Record<string, unknown> | null,
  now: number,
): void {
  tx.insert(careRequestEvents).values({ requestId, at: now, kind, actorType: actor.type, actorId: actor.id ?? null, detail }).run();
}

/** Writes the request, its first timeline entry and its first escalation step (due now). */
export function createRequest(tx: DbOrTx, zaloUserId: string | null, r: NewRequest, now: number): { id: number; outboxIds: number[] } {
  const row = tx
    .insert(careRequests)
    .values({
      type: r.type,
      cadreId: r.cadreId,
      clinicId: r.clinicId,
      zaloUserId,
      viaProxy: r.viaProxy,
      urgency: r.urgency,
      details: r.details.slice(0, 2000),
      address: r.address ?? null,
      latitude: r.latitude ?? null,
      longitude: r.longitude ?? null,
      preferredDate: r.preferredDate ?? null,
      preferredTime: r.preferredTime ?? null,
      attachments: r.attachments?.length ? r.attachments : null,
      ackDueAt: r.ackDueAt,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: careRequests.id })
    .get();
  addTimeline(tx, row.id, 'created', { type: zaloUserId ? 'zalo' : 'system', id: zaloUserId }, { type: r.type, urgency: r.urgency, viaProxy: r.viaProxy }, now);
  if (zaloUserId) {
    recordAudit(
      tx,
      { type: 'zalo', id: zaloUserId, onBehalfOfCadreId: r.viaProxy ? r.cadreId : null },
      { action: 'request.create', entity: 'care_request', entityId: row.id, detail: { type: r.type, urgency: r.urgency, cadreId: r.cadreId } },
      now,
    );
  }
  const step = enqueue(tx, 'request.escalate', { requestId: row.id, level: r.firstLevel ?? 0 }, { now, subject: requestSubject(row.id) });
  return { id: row.id, outboxIds: [step] };
}
