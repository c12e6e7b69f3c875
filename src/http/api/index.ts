import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { StaffFeature } from '../feature';
import { AppError } from '../../errors';
import { bearerAuth, type ApiEnv } from '../auth/apiToken';
import { changeOwnPassword, PasswordChange } from '../../domain/staff/staff';
import { recordAudit } from '../../store/audit';
import { staffActor } from '../../domain/staff/actor';
import { currentStaff, requirePermission } from '../auth/session';
import type { StaffDeps } from '../deps';
import { validate, uploadLimit } from '../validation';

/** Every body stops at `maxBytes` (413 with a code), but multipart uploads, which get the import file limit. */
function jsonBodyLimit(maxBytes: number, uploadMaxBytes: number) {
  const upload = uploadLimit(uploadMaxBytes);
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `Nội dung yêu cầu quá lớn (tối đa ${Math.round(maxBytes / 1024)} KB).`, { maxBytes });
    },
  });
  return createMiddleware<ApiEnv>((c, next) => (/^multipart\/form-data/i.test(c.req.header('content-type') ?? '') ? upload(c, next) : limit(c, next)));
}

/**
 * /api: the staff HTTP API, authenticated with bearer tokens (a token acts with its staff member's role).
 * Errors are `{ error: { code, message, requestId } }` from the app's one error handler.
 */
export function apiRoutes(deps: StaffDeps, features: readonly StaffFeature[]) {
  const api = new Hono<ApiEnv>()
    .use(jsonBodyLimit(deps.apiJsonMaxBytes, deps.importMaxBytes))
    .use(bearerAuth(deps))
    .get('/me', (c) => c.json({ staff: currentStaff(c) }))
    .post('/me/password', requirePermission('account', 'changePassword'), validate('json', PasswordChange.omit({ confirmPassword: true })), async (c) => {
      const staff = currentStaff(c);
      const { currentPassword, newPassword } = c.req.valid('json');
      await changeOwnPassword(deps.db, staff.id, currentPassword, newPassword, deps.clock.now());
      recordAudit(deps.db, staffActor(staff), { action: 'staff.password_changed', entity: 'staff_user', entityId: staff.id }, deps.clock.now());
      // Every API token of the account, this one included, is revoked: make a new one on the staff page.
      return c.json({ ok: true, tokensRevoked: true });
    });
  for (const feature of features) if (feature.api) api.route(feature.apiPath ?? feature.path, feature.api);
  return api;
}
