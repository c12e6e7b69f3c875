import type { Context } from 'hono';
import { z } from 'zod';

/** The Content-Disposition of a file download: an ASCII name for old clients and the exact UTF-8 name for the rest. */
export const attachment = (name: string) => `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** `?format=csv|xlsx` of a list export; `fallback` when the query names none (the pages offer xlsx, the API csv). */
export const FileFormatQuery = (fallback: 'csv' | 'xlsx') => z.object({ format: z.enum(['csv', 'xlsx']).default(fallback) });

/** Answers with a file built for this one request, never cached: it may carry names and phone numbers. */
export const sendFile = (c: Context, file: { body: Uint8Array<ArrayBuffer>; contentType: string; fileName: string }) =>
  c.body(file.body, 200, {
    'content-type': file.contentType,
    'content-disposition': attachment(file.fileName),
    'cache-control': 'no-store',
  });
