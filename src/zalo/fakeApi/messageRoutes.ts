import type { Hono } from 'hono';
import { ZALO_TEXT_LIMIT } from '../../conversation/messages';
import { acceptedButFailed, DAY_MS, envelope, jsonBody, pause, refusedSend, type SentButton, type SentMessage } from './contract';
import type { FakeZaloState } from './state';

/** Sending: customer-service messages inside the 7-day window, template messages by user id and by phone. */
export function messageRoutes(app: Hono, api: FakeZaloState): void {
  customerServiceMessage(app, api);
  templateByUser(app, api);
  templateByPhone(app, api);
}

/** A text (with up to five buttons) or an info request card to a follower who interacted in the last 7 days. */
function customerServiceMessage(app: Hono, api: FakeZaloState): void {
  app.post('/v3.0/oa/message/cs', async (c) => {
    const body = await jsonBody(c);
    const userId: string | undefined = body?.recipient?.user_id;
    const record = (outcome: number) => api.calls.push({ route: 'send', userId, outcome });
    const fault = api.takeFault('send', userId);
    const refused = await refusedSend(c, fault, record, -200);
    if (refused) return refused;
    const tokenError = api.tokenError(c);
    if (tokenError) {
      record(tokenError);
      return c.json(envelope(tokenError, tokenError === -220 ? 'Access token has expired' : 'Access token is invalid'));
    }
    if (!body || typeof userId !== 'string' || !/^\d+$/.test(userId) || typeof body.message !== 'object') {
      record(-201);
      return c.json(envelope(-201, 'Parameter recipient.user_id or message is invalid'));
    }
    const user = api.users.get(userId);
    if (user && !user.isFollower) {
      record(-213);
      return c.json(envelope(-213, 'User has not followed OA'));
    }
    if (api.enforceWindow && user?.lastInteractionAt !== undefined && api.clock() - user.lastInteractionAt > 7 * DAY_MS) {
      record(-230);
      return c.json(envelope(-230, 'User has not interacted with the OA in the last 7 days'));
    }
    const message = body.message as Record<string, any>;
    const payload = message.attachment?.payload as Record<string, any> | undefined;
    const text: string | undefined = message.text ?? payload?.text;
    if (text !== undefined && (typeof text !== 'string' || text.normalize('NFC').length > ZALO_TEXT_LIMIT)) {
      record(-210);
      return c.json(envelope(-210, 'Text exceeds the allowed length'));
    }
    let kind: SentMessage['kind'] = 'other';
    if (payload?.template_type === 'request_user_info') kind = 'request_user_info';
    else if (typeof text === 'string' && text.length > 0) kind = 'text';
    else {
      record(-201);
      return c.json(envelope(-201, 'Parameter message is invalid'));
    }
    const buttons: SentButton[] = Array.isArray(payload?.buttons) ? payload.buttons : [];
    if (buttons.length > 5) {
      record(-210);
      return c.json(envelope(-210, 'Too many buttons'));
    }
    const sent: SentMessage = { messageId: api.newMessageId(), userId, kind, text, buttons, at: api.clock(), body };
    api.keep(sent);
    if (fault?.accepted && fault.delayMs) {
      record(0);
      await pause(fault.delayMs);
      return c.json(envelope(0, 'Success', { message_id: sent.messageId, user_id: userId }));
    }
    if (fault?.accepted) {
      record(fault.status ?? 500);
      return acceptedButFailed(c, fault);
    }
    record(0);
    return c.json(envelope(0, 'Success', { message_id: sent.messageId, user_id: userId }), 200, {
      'X-RateLimit-Limit': '4000',
      'X-RateLimit-Remain': '3999',
    });
  });
}

// Template messages (ZBS) need an approved template id but not the 7-day window.
function templateByUser(app: Hono, api: FakeZaloState): void {
  app.post('/v3.0/oa/message/template', async (c) => {
    const body = await jsonBody(c);
    const userId: string | undefined = body?.user_id;
    const fault = api.takeFault('template', userId);
    const refused = await refusedSend(c, fault, (outcome) => api.calls.push({ route: 'template', userId, outcome }), -200);
    if (refused) return refused;
    const tokenError = api.tokenError(c);
    if (tokenError) return c.json(envelope(tokenError, 'Access token is invalid'));
    if (!body || typeof userId !== 'string' || typeof body.template_id !== 'string' || typeof body.template_data !== 'object') {
      api.calls.push({ route: 'template', userId, outcome: -201 });
      return c.json(envelope(-201, 'Parameter template_id or template_data is invalid'));
    }
    if (api.approvedTemplates && !api.approvedTemplates.has(body.template_id)) {
      api.calls.push({ route: 'template', userId, outcome: -131 });
      return c.json(envelope(-131, 'Template is not approved'));
    }
    const known = api.users.get(userId);
    if (known?.lastInteractionAt !== undefined && api.clock() - known.lastInteractionAt > 365 * DAY_MS) {
      api.calls.push({ route: 'template', userId, outcome: -232 });
      return c.json(envelope(-232, 'User has not interacted with the OA within a year'));
    }
    const sent: SentMessage = {
      messageId: api.newMessageId(),
      userId,
      kind: 'template',
      text: `[template ${body.template_id}] ${JSON.stringify(body.template_data)}`,
      buttons: [],
      at: api.clock(),
      body,
    };
    api.keep(sent);
    if (api.templateLatencyMs) await pause(api.templateLatencyMs);
    if (fault?.accepted) {
      api.calls.push({ route: 'template', userId, outcome: fault.status ?? 500 });
      return acceptedButFailed(c, fault);
    }
    api.calls.push({ route: 'template', userId, outcome: 0 });
    return c.json(envelope(0, 'Success', { message_id: sent.messageId }));
  });
}

// Template message by phone (business host, ZNS error table): the phone must have a Zalo account, the
// template be approved and its parameters match, and the day's quota not be spent.
function templateByPhone(app: Hono, api: FakeZaloState): void {
  app.post('/message/template', async (c) => {
    const body = await jsonBody(c);
    const phone: string | undefined = typeof body?.phone === 'string' ? body.phone : undefined;
    const record = (outcome: number) => api.calls.push({ route: 'template_phone', userId: phone, outcome });
    const fault = api.takeFault('template_phone', phone);
    const refused = await refusedSend(c, fault, record, -100);
    if (refused) return refused;
    if (api.tokenError(c)) {
      record(-124);
      return c.json(envelope(-124, 'Access token is invalid'));
    }
    const fail = (code: number, message: string) => {
      record(code);
      return c.json(envelope(code, message));
    };
    if (!body || typeof body.template_id !== 'string' || typeof body.template_data !== 'object' || body.template_data === null) {
      return fail(-112, 'Template data invalid');
    }
    if (!phone || !/^84\d{9}$/.test(phone)) return fail(-108, 'Phone number invalid');
    const expected = api.approvedTemplates?.get(body.template_id);
    if (api.approvedTemplates && !expected) return fail(-131, 'Template is not approved');
    if (expected && [...expected].sort().join() !== Object.keys(body.template_data).sort().join()) return fail(-112, 'Template data invalid');
    if (typeof body.tracking_id !== 'string' || body.tracking_id.length === 0 || body.tracking_id.length > 48) return fail(-112, 'tracking_id invalid');
    if (api.phonesWithoutZalo.has(phone)) return fail(-118, 'Zalo account not existed');
    if (api.templateQuota.remaining <= 0) return fail(-144, 'OA has exceeded its daily template quota');
    api.templateQuota.remaining -= 1;
    const sent: SentMessage = {
      messageId: api.newMessageId(),
      userId: phone,
      kind: 'template_phone',
      text: `[template ${body.template_id}] ${JSON.stringify(body.template_data)}`,
      trackingId: body.tracking_id,
      buttons: [],
      at: api.clock(),
      body,
    };
    api.keep(sent);
    if (api.templateLatencyMs) await pause(api.templateLatencyMs);
    // Kept, then answered too late: the caller has given up waiting.
    if (fault?.accepted && fault.delayMs) {
      record(0);
      await pause(fault.delayMs);
    } else if (fault?.accepted) {
      record(fault.status ?? 500);
      return acceptedButFailed(c, fault);
    } else record(0);
    return c.json(
      envelope(0, 'Success', {
        msg_id: sent.messageId,
        sent_time: String(sent.at),
        quota: { dailyQuota: String(api.templateQuota.daily), remainingQuota: String(api.templateQuota.remaining) },
      }),
    );
  });
}
