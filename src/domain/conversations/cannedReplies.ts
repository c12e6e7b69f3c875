import { and, asc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { AuditActor } from '../../store/audit';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { cannedReplies, type CannedReply } from '../../store/schema';
import { editableList } from '../staff/editableList';

/**
 * Ready-made replies staff pick in the conversation and request answer boxes. A text fits both boxes (the
 * request answer box takes 1500 characters; a conversation reply adds a signature within Zalo's 2000).
 */
export const CANNED_TEXT_MAX = 1500;

export const CannedReplyInput = z.object({
  code: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => (v.startsWith('/') ? v : `/${v}`))
    .pipe(z.string().regex(/^\/[a-z0-9_-]{2,30}$/, 'Mã gồm 2–30 chữ cái không dấu, chữ số, "-" hoặc "_", ví dụ /diachi.')),
  text: z.string().trim().min(2, 'Xin nhập nội dung trả lời.').max(CANNED_TEXT_MAX, `Nội dung tối đa ${CANNED_TEXT_MAX} ký tự.`),
});
export type CannedReplyInput = z.infer<typeof CannedReplyInput>;

export function listCannedReplies(db: DbOrTx): CannedReply[] {
  return db.select().from(cannedReplies).orderBy(asc(cannedReplies.code)).all();
}

const cannedReplyList = editableList(cannedReplies, { action: 'canned_reply', entity: 'canned_reply' }, 'Không có câu trả lời mẫu này.');

export function getCannedReply(db: DbOrTx, id: number): CannedReply {
  return cannedReplyList.get(db, id);
}

/** The text of a canned reply to prefill a box with, or '' for none or an unknown id (a stale link). */
export function cannedReplyText(db: DbOrTx, id: number | undefined): string {
  if (!id) return '';
  return db.select({ text: cannedReplies.text }).from(cannedReplies).where(eq(cannedReplies.id, id)).get()?.text ?? '';
}

export function saveCannedReply(db: Db, actor: AuditActor, id: number | null, input: CannedReplyInput, now: number): CannedReply {
  return inTransaction(db, (tx) => {
    const taken = tx
      .select({ id: cannedReplies.id })
      .from(cannedReplies)
      .where(id === null ? eq(cannedReplies.code, input.code) : and(eq(cannedReplies.code, input.code), ne(cannedReplies.id, id)))
      .get();
    if (taken) throw new AppError('conflict', `Mã ${input.code} đã có; xin chọn mã khác.`);
    return cannedReplyList.save(tx, actor, id, (stamp) => ({ ...input, ...stamp }), now);
  });
}

export function deleteCannedReply(db: Db, actor: AuditActor, id: number, now: number): void {
  inTransaction(db, (tx) => cannedReplyList.remove(tx, actor, id, now));
}
