import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { AppError } from '../errors';

/** zod validation for any request part with one hook, so every validation error has the same shape. */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new AppError(
        'validation_failed',
        `invalid ${target}`,
        result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
  });
}

/** Upload size guard for imports: the file limit plus room for the multipart envelope; over it, 413. */
export function uploadLimit(maxFileBytes: number) {
  return bodyLimit({
    maxSize: maxFileBytes + 64 * 1024,
    onError: () => {
      throw new AppError('payload_too_large', `Tệp quá lớn. Dung lượng tối đa là ${Math.round(maxFileBytes / 1024 / 1024)} MB.`);
    },
  });
}

/** A numeric `:id` route parameter. */
export const IdParam = z.object({ id: z.coerce.number().int().positive() });

/** A yes/no query parameter: true, false, 1 or 0. */
export const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An import upload: `?dryRun=true` checks without writing; the file comes as multipart field "file". */
export const ImportQuery = z.object({ dryRun: queryBool.default(false) });
export const ImportFileForm = z.object({ file: z.instanceof(File, { message: 'gửi tệp trong trường "file" (multipart/form-data)' }) });
