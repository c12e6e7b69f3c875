import { createMiddleware } from 'hono/factory';
import type { RequestIdVariables } from 'hono/request-id';
import type { Clock } from '../../clock';
import { authenticateApiToken } from '../../domain/staff/staff';
import { AppError } from '../../errors';
import type { Db } from '../../store/db';
import { identityOf, type StaffIdentity } from './session';

export type ApiEnv = { Variables: RequestIdVariables & { staff: StaffIdentity | null; apiTokenId: number | null } };

/** `Authorization: Bearer <token>` for /api/*: a missing, unknown or revoked token is a 401. */
export function bearerAuth(deps: { db: Db; clock: Clock }) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    c.set('staff', null);
    c.set('apiTokenId', null);
    const header = c.req.header('authorization') ?? '';
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!presented) {
      c.header('WWW-Authenticate', 'Bearer realm="cadrecare"');
      throw new AppError('unauthorized', 'Thiếu mã truy cập API (Authorization: Bearer …).');
    }
    const found = authenticateApiToken(deps.db, presented, deps.clock.now());
    if (!found) {
      c.header('WWW-Authenticate', 'Bearer realm="cadrecare", error="invalid_token"');
      throw new AppError('unauthorized', 'Mã truy cập API không hợp lệ hoặc đã bị thu hồi.');
    }
    c.set('staff', identityOf(found.staff));
    c.set('apiTokenId', found.tokenId);
    await next();
  });
}
