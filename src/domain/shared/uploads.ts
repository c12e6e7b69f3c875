import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../errors';

/** A checked upload waits on disk under a random id, bound to the staff member, until applied or an hour passes. */
export const uploads = {
  save(dir: string, staffId: number, fileName: string, bytes: Uint8Array, now: number): string {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) {
      try {
        if (now - statSync(join(dir, f)).mtimeMs > 3600_000) unlinkSync(join(dir, f));
      } catch {
        /* removed by another request */
      }
    }
    const id = randomBytes(12).toString('hex');
    const ext = fileName.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
    writeFileSync(join(dir, `${staffId}-${id}.${ext}`), bytes, { mode: 0o600 });
    return id;
  },
  load(dir: string, staffId: number, id: string): { bytes: Uint8Array; fileName: string; path: string } {
    if (/^[0-9a-f]{24}$/.test(id)) {
      for (const ext of ['xlsx', 'csv']) {
        const path = join(dir, `${staffId}-${id}.${ext}`);
        try {
          return { bytes: readFileSync(path), fileName: `upload.${ext}`, path };
        } catch {
          /* try the other extension */
        }
      }
    }
    throw new AppError('not_found', 'Không còn tệp đã kiểm tra (quá một giờ hoặc đã nhập). Hãy chọn lại tệp.');
  },
  remove(path: string): void {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  },
};
