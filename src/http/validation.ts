import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { fieldProblems, vietnameseIssue } from '../domain/shared/validationText';
import { AppError } from '../errors';

const targetText: Partial<Record<keyof ValidationTargets, string>> = {
  json: 'Dữ liệu gửi lên',
  form: 'Dữ liệu nhập',
  query: 'Điều kiện lọc hoặc tìm kiếm',
  param: 'Địa chỉ trang',
};

/**
 * zod validation for any request part with one hook, so every validation error has the same shape: a Vietnamese
 * message, and details naming each field by its label ({ path, field, message }).
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(
    target,
    schema,
    (result) => {
      if (!result.success) {
        throw new AppError('validation_failed', `${targetText[target] ?? 'Dữ liệu'} chưa hợp lệ. Vui lòng kiểm tra lại.`, fieldProblems(result.error.issues));
      }
    },
    // The same parse with Vietnamese default messages (a schema's own message still wins).
    { validationFunction: ((s: z.ZodType, value: unknown) => s.safeParseAsync(value, { error: vietnameseIssue })) as never },
  );
}

/** 5242880 -> "5 MB", 1572864 -> "1,5 MB", 204800 -> "200 KB". */
const fileSizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${String(Math.round((bytes / 1024 / 1024) * 10) / 10).replace('.', ',')} MB` : `${Math.round(bytes / 1024)} KB`;

/** Upload size guard for imports: the file limit plus room for the multipart envelope; over it, 413. */
export function uploadLimit(maxFileBytes: number) {
  return bodyLimit({
    maxSize: maxFileBytes + 64 * 1024,
    onError: () => {
      throw new AppError('payload_too_large', `Tệp quá lớn. Dung lượng tối đa là ${fileSizeText(maxFileBytes)}. Hãy chia tệp thành nhiều phần hoặc bỏ các cột, trang tính không cần.`);
    },
  });
}

/** A numeric `:id` route parameter. */
export const IdParam = z.object({ id: z.coerce.number().int().positive() });

/** A yes/no query parameter: true, false, 1 or 0. */
const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An import upload: `?dryRun=true` checks without writing; the file comes as multipart field "file". */
export const ImportQuery = z.object({ dryRun: queryBool.default(false) });
export const ImportFileForm = z.object({ file: z.instanceof(File, { message: 'gửi tệp trong trường "file" (multipart/form-data)' }) });
