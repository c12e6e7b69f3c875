import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { RequestIdVariables } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorBody } from '../errors';
import type { Logger } from '../logger';

/**
 * Headers on every answer: a Content-Security-Policy with scripts from this origin only (no inline script) and
 * no framing, nosniff, no Referer (acknowledge links carry a token), HSTS when served over https.
 */
export function securityHeaderRecord(https: boolean): Readonly<Record<string, string>> {
  return {
    'content-security-policy':
      // 'self' for base-uri, not 'none': Bull Board's page sets <base href="/admin/queues/"> for its assets.
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

/** A request id a caller may pass on, as hono's request-id middleware accepts it. */
export const acceptableRequestId = (id: string | string[] | undefined): id is string =>
  typeof id === 'string' && id.length > 0 && id.length <= 255 && !/[^\w\-=]/.test(id);

/**
 * The request id (the caller's X-Request-Id when it is a plain token, else a new UUID) and the headers every
 * answer carries. Every answer but the static files is `Cache-Control: no-store`: pages, API answers and exports
 * name people.
 */
export function answerHeaders(https: boolean): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  const securityEntries = Object.entries(securityHeaderRecord(https));
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = acceptableRequestId(given) ? given : randomUUID();
    c.set('requestId', id);
    await next();
    // On the answer's own headers: c.header() after the handler would rebuild the answer as a streamed web Response.
    const headers = c.res.headers;
    for (const [name, value] of securityEntries) headers.set(name, value);
    headers.set('x-request-id', id);
    headers.delete('x-powered-by');
    if (!c.req.path.startsWith('/static/') && !headers.has('cache-control')) headers.set('cache-control', 'no-store');
  };
}

/** The one error shape: an AppError's code and status, a client error hono raised, else 500 (logged). */
export function errorAnswer(err: unknown, requestId: string, logger: Logger): { status: ContentfulStatusCode; body: ErrorBody } {
  if (err instanceof AppError) return { status: err.status, body: { error: { code: err.code, message: err.message, requestId, details: err.details } } };
  if (err instanceof HTTPException && err.status < 500) return { status: err.status, body: { error: { code: 'bad_request', message: err.message, requestId } } };
  logger.error({ requestId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'unhandled error');
  return { status: 500, body: { error: { code: 'internal', message: 'internal error', requestId } } };
}

/** The access line: written only when its level is on (at info level, production, most requests log nothing). */
export function logAccess(logger: Logger, line: { requestId: string; method: string; path: string; status: number; started: number }): void {
  const level = line.status >= 500 ? 'error' : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  const ms = Math.round((performance.now() - line.started) * 10) / 10;
  logger[level]({ requestId: line.requestId, method: line.method, path: line.path, status: line.status, ms }, 'http');
}
