import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The OA calls' HTTP, on node's own client: a broadcast makes one call per message, and axios's per-request
 * work (merging its config twice, its header objects, its response stream handling) cost about three times the
 * request itself. Connections are kept open between calls. With a proxy, requests go to it in absolute form
 * (the full URL as the path, credentials in Proxy-Authorization), as axios sends them.
 */

interface OaResponse {
  status: number;
  /** The parsed JSON body; the raw text when it is not JSON. */
  body: unknown;
}

interface OaTransportOptions {
  timeoutMs: number;
  /** Outbound proxy ("http://user:pass@proxy.local:3128"); none when unset. */
  proxyUrl?: string;
}

/** Joins a base URL and a path as axios's baseURL does (exactly one slash between them). */
export const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;

function parseBody(text: string): unknown {
  if (!text) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class OaTransport {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https = new HttpsAgent({ keepAlive: true });
  private readonly proxy: URL | undefined;
  private readonly proxyAuth: string | undefined;

  constructor(private readonly options: OaTransportOptions) {
    this.proxy = options.proxyUrl ? new URL(options.proxyUrl) : undefined;
    const p = this.proxy;
    this.proxyAuth = p?.username ? `Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64')}` : undefined;
  }

  /** One request; resolves with any HTTP status, rejects only when no answer came (network, timeout). */
  request(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<OaResponse> {
    const target = new URL(url);
    const via = this.proxy ?? target;
    const secure = via.protocol === 'https:';
    const allHeaders: Record<string, string | number> = { accept: 'application/json', ...headers };
    if (body !== undefined) allHeaders['content-length'] = Buffer.byteLength(body);
    if (this.proxy) {
      allHeaders.host = target.host;
      if (this.proxyAuth) allHeaders['proxy-authorization'] = this.proxyAuth;
    }
    const options = {
      method,
      protocol: via.protocol,
      hostname: via.hostname,
      port: via.port || (secure ? 443 : 80),
      path: this.proxy ? target.href : `${target.pathname}${target.search}`,
      headers: allHeaders,
      agent: secure ? this.https : this.http,
    };
    return new Promise<OaResponse>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(options, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(text) }));
        res.on('error', reject);
      });
      req.setTimeout(this.options.timeoutMs, () => req.destroy(new Error(`timeout of ${this.options.timeoutMs} ms exceeded`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
