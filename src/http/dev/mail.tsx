import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import type { AddressObject } from 'mailparser';
import { z } from 'zod';
import { AppError } from '../../errors';
import { VIETNAM_TZ } from '../../domain/shared/dates';
import type { AppEnv } from '../app';
import { validate } from '../validation';
import { DevLayout } from './layout';

/** mailparser loads on the first mail page view: the demo's mail pages alone use it. */
const mailParser = async () => (await import('mailparser')).simpleParser;

/**
 * The local mailbox: when SMTP_URL is unset the mailer writes each message as an .eml file; this page
 * lists them (newest first) and shows one, so a demo can follow every email the service sends.
 */

export interface MailDeps {
  /** The mailer's directory (config.mail.dir). */
  dir: string;
  /** True when SMTP_URL is set: mail then leaves through SMTP and nothing new lands in the directory. */
  smtp: boolean;
}

export interface MailSummary {
  file: string;
  subject: string;
  from: string;
  to: string;
  /** Epoch ms: the Date header, else the file's modification time. The list is ordered by file time. */
  at: number;
}

/** How many of the newest messages the list shows. */
const LIST_LIMIT = 200;
const FileName = z.string().max(300).regex(/^[A-Za-z0-9._@-]+\.eml$/, 'an .eml file name');
const MailQuery = z.object({ file: FileName.optional() });
const FileParam = z.object({ file: FileName });

const addressText = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a?.text) ?? '';

export function mailRoutes(deps: MailDeps) {
  const dir = resolve(deps.dir);
  /** Parsed headers by file, reused while the file is unchanged (the files are written once). */
  const cache = new Map<string, { mtimeMs: number; summary: MailSummary }>();

  async function listMail(): Promise<MailSummary[]> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => FileName.safeParse(n).success);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const stats = await Promise.all(names.map(async (file) => ({ file, mtimeMs: (await stat(join(dir, file))).mtimeMs })));
    // The mailer names files "<epoch ms>-<message id>.eml": newest first by time, then by name.
    stats.sort((a, b) => b.mtimeMs - a.mtimeMs || b.file.localeCompare(a.file));
    const newest = stats.slice(0, LIST_LIMIT);
    const summaries = await Promise.all(
      newest.map(async ({ file, mtimeMs }) => {
        const cached = cache.get(file);
        if (cached && cached.mtimeMs === mtimeMs) return cached.summary;
        const parsed = await (await mailParser())(await readFile(join(dir, file)), { skipHtmlToText: true, skipTextToHtml: true });
        const summary: MailSummary = {
          file,
          subject: parsed.subject ?? '(không có tiêu đề)',
          from: addressText(parsed.from),
          to: addressText(parsed.to),
          at: parsed.date?.getTime() ?? mtimeMs,
        };
        cache.set(file, { mtimeMs, summary });
        return summary;
      }),
    );
    return summaries;
  }

  async function readMessage(file: string) {
    try {
      return await readFile(join(dir, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('not_found', `no mail file ${file}`);
      throw err;
    }
  }

  return new Hono<AppEnv>()
    .get('/mail', validate('query', MailQuery), async (c) => {
      const messages = await listMail();
      const selected = c.req.valid('query').file ?? messages[0]?.file;
      let open: OpenMail | undefined;
      if (selected) {
        const parsed = await (await mailParser())(await readMessage(selected));
        open = {
          file: selected,
          subject: parsed.subject ?? '(không có tiêu đề)',
          from: addressText(parsed.from),
          to: addressText(parsed.to),
          at: parsed.date?.getTime(),
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : undefined,
          attachments: parsed.attachments.map((a) => a.filename ?? a.contentType),
        };
      }
      return c.html(<MailPage messages={messages} open={open} dir={dir} smtp={deps.smtp} />);
    })
    .get('/api/mail', async (c) => c.json({ dir, messages: await listMail() }))
    .get('/mail/:file/raw', validate('param', FileParam), async (c) => {
      const { file } = c.req.valid('param');
      const bytes = await readMessage(file);
      return c.body(new Uint8Array(bytes), 200, {
        'content-type': 'message/rfc822',
        'content-disposition': `attachment; filename="${file}"`,
      });
    });
}

interface OpenMail {
  file: string;
  subject: string;
  from: string;
  to: string;
  at?: number;
  text: string;
  html?: string;
  attachments: string[];
}

const vnParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: VIETNAM_TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
/** "24/11/2026 08:05", in Vietnam's time zone. */
function showTime(ms: number | undefined): string {
  if (ms === undefined) return '';
  const p = Object.fromEntries(vnParts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

const mailCss = `
.mail{display:grid;grid-template-columns:minmax(280px,420px) minmax(0,1fr);gap:1rem;align-items:start}
@media (max-width:900px){.mail{grid-template-columns:1fr}}
.list{list-style:none;margin:0;padding:0;max-height:calc(100vh - 10rem);overflow:auto}
.list a{display:block;padding:.6rem .7rem;border-radius:.6rem;text-decoration:none;color:inherit;border-bottom:1px solid #eef1f5}
.list a:hover{background:#eef4ff}
.list a[aria-current=true]{background:#dbe8ff}
.list .subject{display:block;font-weight:600;font-size:.9rem}
.list .meta{display:flex;justify-content:space-between;gap:.6rem;font-size:.75rem;color:#5c6b7a}
.list .meta span:first-child{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.list .meta span:last-child{white-space:nowrap}
.head .btn{min-height:2rem;font-size:.8rem;padding:.25rem .8rem}
.head{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
.head h2{margin:0}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.6rem 0 1rem;font-size:.85rem}
dl.fields dt{color:#5c6b7a}
dl.fields dd{margin:0;overflow-wrap:anywhere}
.body{white-space:pre-wrap;overflow-wrap:anywhere;font-family:inherit;font-size:.95rem;background:#f7f9fb;border:1px solid #e1e7ee;border-radius:.6rem;padding:.9rem 1rem;margin:0}
iframe.html{width:100%;min-height:420px;border:1px solid #e1e7ee;border-radius:.6rem;background:#fff}
.empty-mail{padding:2rem 1rem;text-align:center;color:#3d4d5d}
`;

function MailPage(props: { messages: MailSummary[]; open?: OpenMail; dir: string; smtp: boolean }) {
  const { messages, open } = props;
  return (
    <DevLayout title={open ? `Thư: ${open.subject}` : 'Hộp thư'} section="mail" css={mailCss}>
      <div class="mail">
        <section class="panel" aria-labelledby="mail-list-title">
          <div class="head">
            <h2 id="mail-list-title">Thư đã gửi ({messages.length})</h2>
            <a class="btn secondary" href="/dev/mail">
              Làm mới
            </a>
          </div>
          <p class="muted">
            {props.smtp ? `Thư đang gửi qua SMTP (SMTP_URL), không lưu vào ${props.dir}.` : `Thư lưu dạng .eml trong ${props.dir}`}
          </p>
          {messages.length === 0 ? (
            <p class="empty-mail">Chưa có thư nào.</p>
          ) : (
            <ul class="list">
              {messages.map((m) => (
                <li>
                  <a href={`/dev/mail?file=${encodeURIComponent(m.file)}`} aria-current={m.file === open?.file ? 'true' : undefined}>
                    <span class="subject">{m.subject}</span>
                    <span class="meta">
                      <span>Đến: {m.to}</span>
                      <span>{showTime(m.at)}</span>
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="mail-open-title">
          {open ? (
            <>
              <div class="head">
                <h2 id="mail-open-title">{open.subject}</h2>
                <a class="btn secondary" href={`/dev/mail/${encodeURIComponent(open.file)}/raw`}>
                  Tải tệp .eml
                </a>
              </div>
              <dl class="fields">
                <dt>Từ</dt>
                <dd>{open.from}</dd>
                <dt>Đến</dt>
                <dd>{open.to}</dd>
                <dt>Lúc</dt>
                <dd>{showTime(open.at)}</dd>
                {open.attachments.length > 0 && (
                  <>
                    <dt>Đính kèm</dt>
                    <dd>{open.attachments.join(', ')}</dd>
                  </>
                )}
              </dl>
              {open.html ? (
                <iframe class="html" title="Nội dung thư (HTML)" sandbox="" srcdoc={open.html}></iframe>
              ) : (
                <pre class="body">{open.text}</pre>
              )}
            </>
          ) : (
            <p class="empty-mail" id="mail-open-title">
              Chọn một thư để đọc.
            </p>
          )}
        </section>
      </div>
    </DevLayout>
  );
}
