import type { AttendanceBooking } from '../../domain/attendance/attendanceTurn';
import { queueLines } from '../../domain/attendance/queueNotices';
import { bookingDetailLines } from '../../domain/booking/reminders';
import { formatVietnamDay, formatVietnamTime } from '../../domain/shared/dates';
import { honorific, reply, textMessage } from '../reply';
import type { Subject, TurnContext, TurnResult } from '../flow';
import type { ConversationState } from '../state';
import { decide, type Meaning } from '../understand';

/**
 * Around the exam day, read before any flow: the answer to the day-before question ("1 Sẽ đến · 2 Đổi lịch ·
 * 3 Không đến được", the same words as buttons, or typed: "se den", "ko di dc", "bận rồi"), and check-in at the
 * clinic ("đã đến", or the code from the morning reminder) which gives a queue number and the estimated wait.
 * Numbers answer the question only when nothing else is on screen (idle); typed words work from any menu step.
 */

const attendanceText = {
  confirmed: (title: string, name: string, line: string) =>
    `Cảm ơn ${title}. Đã ghi nhận ${title} ${name} sẽ đến khám ${line}.\nSáng ngày khám, chúng tôi sẽ gửi mã đến khám để lấy số thứ tự.`,
  alreadyIn: (title: string) => `${title} đã lấy số rồi.`,
  checkedIn: (title: string, name: string, clinic: string) => `Đã ghi nhận ${title} ${name} đến ${clinic}.`,
  wrongCode: (title: string, time: string, clinic: string) =>
    `Mã này không đúng. ${title} có lịch khám hôm nay lúc ${time} tại ${clinic}: xin nhắn "đã đến" khi tới nơi, hoặc gõ mã trong tin nhắn sáng nay.`,
} as const;

const line = (a: AttendanceBooking) => `${formatVietnamDay(a.booking.slot.localDate)}, lúc ${formatVietnamTime(a.booking.slot.startsAt)} tại ${a.booking.clinic.name}`;

function subjectOf(a: AttendanceBooking, ctx: TurnContext): Subject | null {
  const cadre = ctx.lookups.booking.actingFor(a.booking.cadreId, a.viaProxy);
  return cadre ? { ...cadre, viaProxy: a.viaProxy } : null;
}

const done = (text: string, ...effects: TurnResult['effects']): TurnResult => ({ state: { flow: 'idle' }, effects: [...effects, reply(textMessage(text))] });

/** "đã đến" or the code on the exam day: the queue number now, attendance recorded by the effect. */
function checkInTurn(a: AttendanceBooking, ctx: TurnContext): TurnResult | null {
  const subject = subjectOf(a, ctx);
  if (!subject) return null;
  const title = honorific(subject.sex);
  if (a.place) return done([attendanceText.alreadyIn(title), ...queueLines(title, a.place)].join('\n'));
  const place = ctx.lookups.attendance!.placeIfCheckedIn(a.booking.id);
  if (!place) return null;
  return done([attendanceText.checkedIn(title, subject.fullName, a.booking.clinic.name), ...queueLines(title, place)].join('\n'), {
    type: 'attendance.checkIn',
    bookingId: a.booking.id,
    viaProxy: a.viaProxy,
  });
}

/** The answer to the day-before question, when one is waiting. */
function answerTurn(a: AttendanceBooking, choice: 1 | 2 | 3, ctx: TurnContext): TurnResult | null {
  const subject = subjectOf(a, ctx);
  if (!subject) return null;
  const title = honorific(subject.sex);
  if (choice === 2) return ctx.flows.startMoveOf(subject, ctx, a.booking);
  if (choice === 3) return ctx.flows.askDeclineReason(subject, a.booking);
  const details = bookingDetailLines(a.booking).slice(-2).join('\n');
  return done([attendanceText.confirmed(title, subject.fullName, line(a)), details].filter(Boolean).join('\n'), {
    type: 'attendance.confirm',
    bookingId: a.booking.id,
    viaProxy: a.viaProxy,
  });
}

const CODE = /^\s*(\d{4})\s*$/;

export function attendanceTurn(state: ConversationState, text: string, meaning: Meaning, ctx: TurnContext): TurnResult | null {
  const lookups = ctx.lookups.attendance;
  if (!lookups) return null;
  // A flow waiting for a typed value (a reason, an address) or a yes keeps its input.
  const idle = state.flow === 'idle';
  const inMenu = idle || (state.flow === 'booking' && state.step === 'manage');
  if (!inMenu) return null;

  const code = CODE.exec(text)?.[1];
  if (code || decide(meaning, 'examDay').kind === 'arrived') {
    const today = lookups.today();
    if (today.length) {
      const mine = code ? today.find((a) => a.code === code) : (today.find((a) => !a.place) ?? today[0]!);
      if (mine) return checkInTurn(mine, ctx);
      const first = today[0]!;
      const subject = subjectOf(first, ctx);
      return done(attendanceText.wrongCode(subject ? honorific(subject.sex) : 'Ông/Bà', formatVietnamTime(first.booking.slot.startsAt), first.booking.clinic.name));
    }
  }

  const waiting = lookups.awaitingAnswer();
  if (!waiting) return null;
  const d = decide(meaning, 'reminder');
  if (d.kind === 'number' && idle && (d.n === 1 || d.n === 2 || d.n === 3)) return answerTurn(waiting, d.n, ctx);
  if (d.kind === 'coming') return answerTurn(waiting, 1, ctx);
  if (d.kind === 'intent' && d.id === 'moveBooking') return answerTurn(waiting, 2, ctx);
  if (d.kind === 'notComing') return answerTurn(waiting, 3, ctx);
  return null;
}
