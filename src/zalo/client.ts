import axios, { AxiosError, type AxiosInstance, type AxiosProxyConfig, type CreateAxiosDefaults } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ZaloApiError, classifyZaloCode, type ZaloErrorKind } from './errors';
import { ZALO_MAX_BUTTONS, type OutMessage } from '../conversation/messages';

/** Zalo OA Open API client (ZALO.md §0-4), on axios. Base URLs come from config so tests use a fake. */

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds, as Zalo reports it (a string on the wire). */
  expiresIn: number;
}

export interface AccessTokenSource {
  current(): Promise<string>;
  /** Called when Zalo refused `rejected`; returns a fresh token (refreshing at most once for that token). */
  refreshAfterRejection(rejected: string): Promise<string>;
}

export interface ZaloProfile {
  userId: string;
  userIdByApp?: string;
  displayName?: string;
  isFollower?: boolean;
  lastInteractionDate?: string;
  sharedPhone?: string;
}

/** One message of a conversation as Zalo lists it (field names per ZALO.md §3; `src` 0 = sent by the OA). */
export interface ConversationMessage {
  messageId: string;
  fromOa: boolean;
  /** Epoch ms. */
  time: number;
  type: string;
  text: string;
}

export interface ZaloClientOptions {
  apiBase: string;
  oauthBase: string;
  /** Host of template messages by phone; defaults to apiBase (the fake serves both). */
  businessBase?: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  /** Outbound proxy for every Zalo call (ZALO_HTTP_PROXY); none when unset (the environment's proxy variables are not read). */
  proxyUrl?: string;
}

/** An axios proxy setting from a URL ("http://user:pass@proxy.local:3128"). */
export function proxyConfigOf(url: string): AxiosProxyConfig {
  const u = new URL(url);
  const protocol = u.protocol.replace(/:$/, '');
  return {
    protocol,
    host: u.hostname,
    port: u.port ? Number(u.port) : protocol === 'https' ? 443 : 80,
    ...(u.username ? { auth: { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } } : {}),
  };
}

/**
 * What every call shares, settled once: connections kept open between calls (a send is one small request, so a
 * new TLS handshake each time would cost more than the call), no redirects (the API answers in place), and the
 * proxy from the config or none, so nothing is looked up in the environment on every request.
 */
function transportDefaults(options: ZaloClientOptions): CreateAxiosDefaults {
  // As many idle connections kept as concurrent sends open (node's default bound of 256), so none is closed and reopened.
  const agent = { keepAlive: true };
  return {
    timeout: options.timeoutMs,
    maxRedirects: 0,
    httpAgent: new HttpAgent(agent),
    httpsAgent: new HttpsAgent(agent),
    proxy: options.proxyUrl ? proxyConfigOf(options.proxyUrl) : false,
  };
}

interface Envelope<T> {
  error: number;
  message?: string;
  data?: T;
}

function transportError(err: unknown): ZaloApiError {
  if (err instanceof ZaloApiError) return err;
  if (err instanceof AxiosError) {
    const status = err.response?.status;
    if (status && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return new ZaloApiError('permanent', status, `HTTP ${status}`);
    }
    return new ZaloApiError('transient', status ?? 0, status ? `HTTP ${status}` : (err.code ?? 'network error'));
  }
  return new ZaloApiError('transient', 0, err instanceof Error ? err.message : String(err));
}

function checkEnvelope<T>(body: Envelope<T>): T {
  if (typeof body !== 'object' || body === null || typeof body.error !== 'number') {
    throw new ZaloApiError('transient', 0, 'unexpected response shape');
  }
  if (body.error !== 0) throw new ZaloApiError(classifyZaloCode(body.error), body.error, body.message ?? 'error');
  return body.data as T;
}

/**
 * Template messages by phone use the ZNS error table (ZALO.md §7, codes from zalo.cloud's ZNS guide [1]): they
 * are sorted into the same kinds, so a caller knows whether the phone, the template or the day's quota is at fault.
 */
const businessKinds: Record<number, ZaloErrorKind> = {
  [-124]: 'auth',
  [-108]: 'permanent',
  [-111]: 'permanent',
  [-112]: 'permanent',
  [-114]: 'permanent',
  [-118]: 'permanent',
  [-119]: 'permanent',
  [-109]: 'config',
  [-117]: 'config',
  [-131]: 'config',
  [-115]: 'quota',
  [-144]: 'quota',
};

function checkBusinessEnvelope<T>(body: Envelope<T>): T {
  if (typeof body !== 'object' || body === null || typeof body.error !== 'number') {
    throw new ZaloApiError('transient', 0, 'unexpected response shape');
  }
  if (body.error !== 0) throw new ZaloApiError(businessKinds[body.error] ?? classifyZaloCode(body.error), body.error, body.message ?? 'error');
  return body.data as T;
}

/** Finds a last-interaction time in the quota call's answer, whatever the field is called. */
function lastInteractionOf(data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (/last_?interact/i.test(key)) {
      const text = String(value ?? '');
      const dmy = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
      if (dmy) return Date.UTC(Number(dmy[3]), Number(dmy[2]) - 1, Number(dmy[1]));
      const ms = Number(text);
      if (Number.isFinite(ms) && ms > 0) return ms < 1e12 ? ms * 1000 : ms;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const inner = lastInteractionOf(value);
      if (inner !== null) return inner;
    }
  }
  return null;
}

/** Renders a transport-neutral message to the customer-service body. */
export function customerServiceBody(userId: string, message: OutMessage, withButtons: boolean): unknown {
  const recipient = { user_id: userId };
  if (message.type === 'request_user_info') {
    return {
      recipient,
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'request_user_info',
            elements: [{ title: message.title, subtitle: message.subtitle, image_url: message.imageUrl }],
          },
        },
      },
    };
  }
  const text = message.text.normalize('NFC');
  if (withButtons && message.buttons?.length) {
    return {
      recipient,
      message: {
        text,
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text,
            buttons: message.buttons
              .slice(0, ZALO_MAX_BUTTONS)
              .map((b) => (b.phone ? { title: b.title, type: 'oa.open.phone', payload: { phone_code: b.phone } } : { title: b.title, type: 'oa.query.show', payload: b.payload })),
          },
        },
      },
    };
  }
  return { recipient, message: { text } };
}

export class ZaloClient {
  private readonly api: AxiosInstance;
  private readonly oauth: AxiosInstance;
  private readonly business: AxiosInstance;

  constructor(
    private readonly options: ZaloClientOptions,
    private readonly tokens: AccessTokenSource,
  ) {
    // Errors are in the body with HTTP 200, so never let axios throw on status alone for the OA host.
    const shared: CreateAxiosDefaults = { ...transportDefaults(options), validateStatus: (s) => s < 500 };
    this.api = axios.create({ ...shared, baseURL: options.apiBase });
    this.oauth = axios.create({ ...shared, baseURL: options.oauthBase });
    this.business = axios.create({ ...shared, baseURL: options.businessBase ?? options.apiBase });
  }

  /** One OA call with the token; an auth refusal refreshes once and retries once. */
  private async call<T>(method: 'get' | 'post', path: string, payload: unknown, host: 'oa' | 'business' = 'oa'): Promise<T> {
    const http = host === 'oa' ? this.api : this.business;
    const attempt = async (token: string): Promise<T> => {
      try {
        const res =
          method === 'get'
            ? await http.get<Envelope<T>>(path, { headers: { access_token: token }, params: { data: JSON.stringify(payload) } })
            : await http.post<Envelope<T>>(path, payload, {
                headers: { access_token: token, 'Content-Type': 'application/json' },
              });
        if (res.status >= 400) throw new ZaloApiError(res.status === 429 ? 'transient' : 'permanent', res.status, `HTTP ${res.status}`);
        return host === 'oa' ? checkEnvelope(res.data) : checkBusinessEnvelope(res.data);
      } catch (err) {
        throw transportError(err);
      }
    };
    const token = await this.tokens.current();
    try {
      return await attempt(token);
    } catch (err) {
      if (err instanceof ZaloApiError && err.kind === 'auth') {
        return attempt(await this.tokens.refreshAfterRejection(token));
      }
      throw err;
    }
  }

  /** Sends a customer-service message; returns Zalo's message id. */
  async sendMessage(userId: string, message: OutMessage, options: { buttons: boolean }): Promise<string> {
    const withButtons = options.buttons && message.type === 'text' && Boolean(message.buttons?.length);
    try {
      const data = await this.call<{ message_id: string }>('post', '/v3.0/oa/message/cs', customerServiceBody(userId, message, withButtons));
      return String(data?.message_id ?? '');
    } catch (err) {
      // Buttons on v3 customer-service messages are unverified: if Zalo refuses the shape, the numbered text still works.
      if (withButtons && err instanceof ZaloApiError && (err.code === -201 || err.code === -210 || err.code === -233)) {
        const data = await this.call<{ message_id: string }>('post', '/v3.0/oa/message/cs', customerServiceBody(userId, message, false));
        return String(data?.message_id ?? '');
      }
      throw err;
    }
  }

  /** Sends an approved template message by user id (ZBS, for notices outside the 7-day window). */
  async sendTemplate(userId: string, templateId: string, data: Record<string, string>): Promise<string> {
    const res = await this.call<{ message_id: string }>('post', '/v3.0/oa/message/template', {
      user_id: userId,
      template_id: templateId,
      template_data: data,
    });
    return String(res?.message_id ?? '');
  }

  /**
   * Sends an approved template by phone (`business.openapi.zalo.me/message/template`, ZALO.md §7). `phone` in
   * 84… form; `trackingId` is ours and comes back in the delivery receipt. Returns Zalo's message id and the
   * day's quota when the answer carries it.
   */
  async sendTemplateByPhone(
    phone: string,
    templateId: string,
    data: Record<string, string>,
    trackingId: string,
  ): Promise<{ messageId: string; quota?: { daily: number; remaining: number } }> {
    const res = await this.call<{ msg_id?: string; quota?: { dailyQuota?: unknown; remainingQuota?: unknown } }>(
      'post',
      '/message/template',
      { phone, template_id: templateId, template_data: data, tracking_id: trackingId },
      'business',
    );
    const daily = Number(res?.quota?.dailyQuota);
    const remaining = Number(res?.quota?.remainingQuota);
    return {
      messageId: String(res?.msg_id ?? ''),
      quota: Number.isFinite(daily) && Number.isFinite(remaining) && res?.quota ? { daily, remaining } : undefined,
    };
  }

  /**
   * Zalo's view of one user's last interaction (`POST /v3.0/oa/quota/message`, ZALO.md §7, [U]: the answer's
   * field names are not documented; epoch ms or "DD/MM/YYYY" in any field named like last_interaction).
   * Null when the answer names no such time.
   */
  async lastInteraction(userId: string): Promise<number | null> {
    const data = await this.call<Record<string, unknown>>('post', '/v3.0/oa/quota/message', { user_id: userId });
    return lastInteractionOf(data);
  }

  /**
   * The latest messages of one conversation, newest first (`GET /v2.0/oa/conversation`, ZALO.md §3, at most
   * 10 per page; `offset` pages back). Used to settle whether a send whose answer was lost did reach the user.
   */
  async recentMessages(userId: string, count = 10, offset = 0): Promise<ConversationMessage[]> {
    const data = await this.call<unknown>('get', '/v2.0/oa/conversation', { user_id: userId, offset, count });
    const list = Array.isArray(data) ? data : [];
    return list.flatMap((m): ConversationMessage[] => {
      if (typeof m !== 'object' || m === null) return [];
      const r = m as Record<string, unknown>;
      return [
        {
          messageId: r.message_id === undefined ? '' : String(r.message_id),
          fromOa: r.src !== undefined ? Number(r.src) === 0 : r.to_id !== undefined && String(r.to_id) === userId,
          time: Number(r.time) || 0,
          type: typeof r.type === 'string' ? r.type : '',
          text: typeof r.message === 'string' ? r.message : '',
        },
      ];
    });
  }

  async getProfile(userId: string): Promise<ZaloProfile> {
    const d = await this.call<Record<string, unknown>>('get', '/v3.0/oa/user/detail', { user_id: userId });
    const shared = (d.shared_info ?? {}) as Record<string, unknown>;
    return {
      userId: String(d.user_id ?? userId),
      userIdByApp: d.user_id_by_app ? String(d.user_id_by_app) : undefined,
      displayName: typeof d.display_name === 'string' ? d.display_name : undefined,
      isFollower: typeof d.user_is_follower === 'boolean' ? d.user_is_follower : undefined,
      lastInteractionDate: typeof d.user_last_interaction_date === 'string' ? d.user_last_interaction_date : undefined,
      sharedPhone: shared.phone !== undefined ? String(shared.phone) : undefined,
    };
  }

  private async tokenRequest(form: Record<string, string>): Promise<TokenPair> {
    try {
      const res = await this.oauth.post('/v4/oa/access_token', new URLSearchParams(form).toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', secret_key: this.options.appSecret },
      });
      const body = res.data as Record<string, unknown>;
      if (res.status >= 400 || !body || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
        const code = typeof body?.error === 'number' ? body.error : res.status;
        const reason = String(body?.error_reason ?? body?.error_name ?? body?.message ?? 'token request refused');
        throw new ZaloApiError('config', code, reason);
      }
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresIn: Number.parseInt(String(body.expires_in ?? '90000'), 10) || 90_000,
      };
    } catch (err) {
      throw transportError(err);
    }
  }

  /** Exchanges the single-use refresh token for a new pair. The old refresh token is dead afterwards. */
  refreshAccessToken(refreshToken: string): Promise<TokenPair> {
    return this.tokenRequest({ refresh_token: refreshToken, app_id: this.options.appId, grant_type: 'refresh_token' });
  }

  /** Completes the OA admin's consent (OAuth v4 with PKCE). */
  exchangeCode(code: string, codeVerifier: string): Promise<TokenPair> {
    return this.tokenRequest({ code, app_id: this.options.appId, grant_type: 'authorization_code', code_verifier: codeVerifier });
  }
}
