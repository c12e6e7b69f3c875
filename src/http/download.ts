/** The Content-Disposition of a file download: an ASCII name for old clients and the exact UTF-8 name for the rest. */
export const attachment = (name: string) => `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** The headers of a file built for one request (never cached: it may carry names and phone numbers). */
export const fileHeaders = (file: { contentType: string; fileName: string }) => ({
  'content-type': file.contentType,
  'content-disposition': attachment(file.fileName),
  'cache-control': 'no-store',
});
