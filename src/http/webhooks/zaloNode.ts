import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { acceptableRequestId, errorAnswer, logAccess, securityHeaderRecord } from '../answers';
import { answerDelivery, type ZaloWebhookDeps } from './zalo';

const ZALO_WEBHOOK_PATH = '/webhooks/zalo';

/** The body of a request whose Content-Length node's parser holds it to. */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client closed the request before its body ended'));
    });
  });
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Zalo's deliveries served straight from node's request, the rest by `app`: the same checks, turn and answer as
 * the hono route (answerDelivery, the app's error shape, security headers and access line), without building a
 * web Request, a hono context and a Response for each event (about a tenth of a delivery's CPU). Only a
 * delivery with a Content-Length within the limit is taken here; a chunked or oversized one goes to the app,
 * which counts or refuses it (413).
 */
export function zaloWebhookListener(deps: ZaloWebhookDeps, https: boolean, app: RequestListener): RequestListener {
  const security = securityHeaderRecord(https);
  const take = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const given = headerOf(req, 'x-request-id');
    const requestId = acceptableRequestId(given) ? given : randomUUID();
    let answer: { status: number; body: unknown };
    try {
      const raw = await readBody(req);
      answer = { status: 200, body: await answerDelivery(deps, { header: (name) => headerOf(req, name), body: async () => raw }) };
    } catch (err) {
      // A body cut off by the client: nobody is left to answer.
      if (!req.complete) return void res.destroy();
      answer = errorAnswer(err, requestId, deps.logger);
    }
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...security,
      'x-request-id': requestId,
      'cache-control': 'no-store',
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
    logAccess(deps.logger, { requestId, method: 'POST', path: ZALO_WEBHOOK_PATH, status: answer.status, started });
  };
  return (req, res) => {
    const length = Number(req.headers['content-length'] ?? Number.NaN);
    const fits = length <= deps.zaloWebhook.maxBodyBytes && req.headers['transfer-encoding'] === undefined;
    if (req.method !== 'POST' || req.url !== ZALO_WEBHOOK_PATH || !fits) return app(req, res);
    take(req, res).catch((err: unknown) => {
      deps.logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'webhook answer not written');
      res.destroy();
    });
  };
}
