import { Hono } from 'hono';
import { z } from 'zod';
import { pageParam } from '../../domain/shared/listing';
import { handoffDetail, listHandoffs, ReplyInput } from '../../domain/conversations/handoff';
import { listRequests, RequestFilter, requestDetail } from '../../domain/requests/requestInbox';
import { NoteInput } from '../../domain/requests/requestNotes';
import { CancelInput, CloseInput, ScheduleInput } from '../../domain/requests/staffActions';
import { auditHealthRead } from '../../domain/staff/staffReads';
import type { ApiEnv } from '../auth/apiToken';
import { clinicScope, currentStaff, requirePermission, type StaffIdentity } from '../auth/session';
import type { StaffDeps } from '../deps';
import { requestActions } from '../../domain/requests/actions';
import { validate, IdParam } from '../validation';

/**
 * /api/requests and /api/conversations: the request inbox (filters by clinic, type, state; SLA clock), a
 * request with its timeline, acknowledge / schedule / done / cancel; conversations with staff, reply, close.
 * clinic_staff see and act on their clinic only.
 */
export function requestApiRoutes(deps: StaffDeps) {
  const act = requestActions(deps);
  const detail = (s: StaffIdentity, id: number) => requestDetail(deps.db, id, clinicScope(s), deps.clock.now());
  return new Hono<ApiEnv>()
    .get('/requests', requirePermission('requests', 'read'), validate('query', RequestFilter), (c) =>
      {
        const { items, window } = listRequests(deps.db, clinicScope(currentStaff(c)), c.req.valid('query'), deps.clock.now());
        return c.json({ items, total: window.total, page: window.page, pages: window.pages, pageSize: window.pageSize });
      },
    )
    .get('/requests/:id{[0-9]+}', requirePermission('requests', 'read'), validate('param', IdParam), (c) => {
      const s = currentStaff(c);
      const d = detail(s, c.req.valid('param').id);
      auditHealthRead(deps.db, s.id, 'request', [d.request.id], deps.clock.now(), 'api.detail');
      return c.json(d);
    })
    .post('/requests/:id{[0-9]+}/acknowledge', requirePermission('requests', 'act'), validate('param', IdParam), (c) => {
      const s = currentStaff(c);
      act.acknowledge(s, c.req.valid('param').id);
      return c.json(detail(s, c.req.valid('param').id));
    })
    .post('/requests/:id{[0-9]+}/schedule', requirePermission('requests', 'act'), validate('param', IdParam), validate('json', ScheduleInput), (c) => {
      const s = currentStaff(c);
      act.schedule(s, c.req.valid('param').id, c.req.valid('json'));
      return c.json(detail(s, c.req.valid('param').id));
    })
    .post('/requests/:id{[0-9]+}/done', requirePermission('requests', 'act'), validate('param', IdParam), validate('json', CloseInput), (c) => {
      const s = currentStaff(c);
      act.close(s, c.req.valid('param').id, 'done', c.req.valid('json').note);
      return c.json(detail(s, c.req.valid('param').id));
    })
    .post('/requests/:id{[0-9]+}/cancel', requirePermission('requests', 'act'), validate('param', IdParam), validate('json', CancelInput), (c) => {
      const s = currentStaff(c);
      act.close(s, c.req.valid('param').id, 'cancelled', c.req.valid('json').note);
      return c.json(detail(s, c.req.valid('param').id));
    })
    .post('/requests/:id{[0-9]+}/notes', requirePermission('requests', 'act'), validate('param', IdParam), validate('json', NoteInput), (c) => {
      const s = currentStaff(c);
      act.note(s, c.req.valid('param').id, c.req.valid('json'));
      return c.json(detail(s, c.req.valid('param').id), 201);
    })
    .get('/conversations', requirePermission('requests', 'read'), validate('query', z.object({ status: z.enum(['open', 'closed', 'all']).default('open'), page: pageParam })), (c) => {
      const q = c.req.valid('query');
      const { items, window } = listHandoffs(deps.db, clinicScope(currentStaff(c)), q.status, 'all', q.page);
      return c.json({ items, total: window.total, page: window.page, pages: window.pages, pageSize: window.pageSize });
    })
    .get('/conversations/:id{[0-9]+}', requirePermission('requests', 'read'), validate('param', IdParam), (c) => {
      const s = currentStaff(c);
      const d = handoffDetail(deps.db, c.req.valid('param').id, clinicScope(s), deps.clock.now());
      auditHealthRead(deps.db, s.id, 'transcript', [d.handoff.id], deps.clock.now(), 'api.detail');
      return c.json(d);
    })
    .post('/conversations/:id{[0-9]+}/reply', requirePermission('requests', 'act'), validate('param', IdParam), validate('json', ReplyInput), (c) => {
      act.reply(currentStaff(c), c.req.valid('param').id, c.req.valid('json').text);
      return c.json({ ok: true });
    })
    .post('/conversations/:id{[0-9]+}/close', requirePermission('requests', 'act'), validate('param', IdParam), (c) => {
      act.closeConversation(currentStaff(c), c.req.valid('param').id);
      return c.json({ ok: true });
    });
}
