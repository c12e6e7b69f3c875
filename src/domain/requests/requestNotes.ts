import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../store/audit';
import type { DbOrTx } from '../../store/db';
import { careRequestNotes, careRequests, clinics, staffUsers, type CareRequestNote } from '../../store/schema';
import type { NoticeRenderer } from '../outreach/notices';
import { acknowledgeRequest, loadForAction, tellRequester, timelineActor } from './staffActions';
import { staffActor, type StaffIdentity } from '../staff/actor';
import { addTimeline } from './creation';
import { requestTypeLabels, ticketOf } from './labels';
import { roleLabels } from '../staff/staff';

/**
 * Answers and notes on a request. A note marked for the cadre is sent to them (Zalo inside the window,
 * else the notice ladder) signed with the staff member's name and role; an internal note stays on the
 * staff pages. Answering a request nobody has acknowledged acknowledges it first, which stops escalation.
 */

export const REQUEST_NOTE_KIND = 'request.note';

export const NoteInput = z.object({
  text: z.string().trim().min(2, 'Vui lòng nhập nội dung.').max(1500, 'Nội dung tối đa 1.500 ký tự.'),
  toCadre: z
    .union([z.literal('on'), z.literal('1'), z.literal('true'), z.boolean()])
    .optional()
    .transform((v) => v === true || v === 'on' || v === '1' || v === 'true'),
});
export type NoteInput = z.infer<typeof NoteInput>;

export function addRequestNote(
  tx: DbOrTx,
  requestId: number,
  staff: Pick<StaffIdentity, 'id'>,
  scope: number | null,
  input: NoteInput,
  now: number,
): { noteId: number; outboxIds: number[] } {
  const actor = staffActor(staff);
  let req = loadForAction(tx, requestId, scope);
  const outboxIds: number[] = [];
  if (input.toCadre && req.state === 'new') {
    outboxIds.push(...acknowledgeRequest(tx, requestId, actor, scope, now));
    req = loadForAction(tx, requestId, scope);
  }
  const note = tx
    .insert(careRequestNotes)
    .values({ requestId, at: now, staffId: staff.id, text: input.text, toCadre: input.toCadre })
    .returning({ id: careRequestNotes.id })
    .get();
  // The timeline and audit say that a note was written and to whom, never what it says.
  addTimeline(tx, requestId, input.toCadre ? 'answered' : 'note', timelineActor(actor), { noteId: note.id }, now);
  recordAudit(tx, actor, { action: input.toCadre ? 'request.answer' : 'request.note', entity: 'care_request', entityId: requestId, detail: { noteId: note.id } }, now);
  if (input.toCadre) {
    outboxIds.push(...tellRequester(tx, req, 'note', now, { kind: REQUEST_NOTE_KIND, id: note.id }, () => renderRequestNote(tx, note.id)));
  }
  return { noteId: note.id, outboxIds };
}

export interface RequestNoteView extends CareRequestNote {
  staffName: string;
}

export function requestNotes(db: DbOrTx, requestId: number): RequestNoteView[] {
  return db
    .select({ note: careRequestNotes, staffName: staffUsers.fullName })
    .from(careRequestNotes)
    .innerJoin(staffUsers, eq(staffUsers.id, careRequestNotes.staffId))
    .where(eq(careRequestNotes.requestId, requestId))
    .orderBy(asc(careRequestNotes.at), asc(careRequestNotes.id))
    .all()
    .map((r) => ({ ...r.note, staffName: r.staffName }));
}

/** The message the cadre reads: which request, the answer, and who wrote it (name, role, clinic). */
function renderRequestNote(db: DbOrTx, noteId: number): { text: string; subject: string } | null {
  const row = db
    .select({ note: careRequestNotes, request: careRequests, staff: staffUsers })
    .from(careRequestNotes)
    .innerJoin(careRequests, eq(careRequests.id, careRequestNotes.requestId))
    .innerJoin(staffUsers, eq(staffUsers.id, careRequestNotes.staffId))
    .where(eq(careRequestNotes.id, noteId))
    .get();
  if (!row || !row.note.toCadre) return null;
  const clinic = row.request.clinicId === null ? null : (db.select().from(clinics).where(eq(clinics.id, row.request.clinicId)).get() ?? null);
  const ticket = ticketOf(row.request.id);
  const what = row.request.type === 'question' ? 'Trả lời câu hỏi' : 'Tin nhắn về yêu cầu';
  const signature = [row.staff.fullName, roleLabels[row.staff.role].toLowerCase(), clinic?.name].filter(Boolean).join(', ');
  const text = `${what} ${ticket} (${requestTypeLabels[row.request.type].toLowerCase()}):\n${row.note.text}\n— ${signature}`;
  return { text, subject: `${ticket}: ${what.toLowerCase()}` };
}

/** Notice renderer 'request.note'. */
export const renderRequestNoteNotice: NoticeRenderer = (db, ref) => {
  const r = renderRequestNote(db, ref.id);
  return r ? { text: r.text, email: { subject: r.subject, text: r.text } } : null;
};
