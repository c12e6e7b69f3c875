import { and, desc, eq, gt, inArray, isNotNull, or } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../store/db';
import { careRequests, staffUsers, type CareRequest, type CareRequestState, type CareRequestType, type TimeOfDay } from '../../store/schema';
import { openStates } from './labels';

export interface OpenRequestSummary {
  id: number;
  type: CareRequestType;
  state: CareRequestState;
  cadreId: number | null;
  createdAt: number;
  scheduledDate: string | null;
  scheduledTime: TimeOfDay | null;
  handlerName: string | null;
}

/** Open requests of these cadres, newest first (for "Yêu cầu của tôi"). */
export function openRequestsOf(tx: DbOrTx, cadreIds: number[], zaloUserId: string): OpenRequestSummary[] {
  const who = cadreIds.length ? or(inArray(careRequests.cadreId, cadreIds), eq(careRequests.zaloUserId, zaloUserId)) : eq(careRequests.zaloUserId, zaloUserId);
  return tx
    .select({
      id: careRequests.id,
      type: careRequests.type,
      state: careRequests.state,
      cadreId: careRequests.cadreId,
      createdAt: careRequests.createdAt,
      scheduledDate: careRequests.scheduledDate,
      scheduledTime: careRequests.scheduledTime,
      handlerName: staffUsers.fullName,
    })
    .from(careRequests)
    .leftJoin(staffUsers, eq(staffUsers.id, careRequests.acknowledgedByStaffId))
    .where(and(who, inArray(careRequests.state, openStates)))
    .orderBy(desc(careRequests.id))
    .limit(10)
    .all();
}

/** The address used on this cadre's last request, offered again. */
export function lastAddressOf(tx: DbOrTx, cadreId: number): string | null {
  return (
    tx
      .select({ address: careRequests.address })
      .from(careRequests)
      .where(and(eq(careRequests.cadreId, cadreId), isNotNull(careRequests.address)))
      .orderBy(desc(careRequests.id))
      .get()?.address ?? null
  );
}

/** An emergency mention by this user still open and recent (a repeat adds to it instead of paging again). */
export function recentEmergencyOf(tx: DbOrTx, zaloUserId: string, since: number): number | null {
  return (
    tx
      .select({ id: careRequests.id })
      .from(careRequests)
      .where(and(eq(careRequests.zaloUserId, zaloUserId), eq(careRequests.type, 'emergency'), inArray(careRequests.state, openStates), gt(careRequests.createdAt, since)))
      .orderBy(desc(careRequests.id))
      .get()?.id ?? null
  );
}

export function getRequest(db: Db | DbOrTx, id: number): CareRequest | undefined {
  return db.select().from(careRequests).where(eq(careRequests.id, id)).get();
}
