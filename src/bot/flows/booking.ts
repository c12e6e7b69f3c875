import { bookingDetailLines } from '../../domain/booking/reminders';
import { slotBookable, type BookingInfo, type CampaignInfo, type SlotInfo } from '../../domain/booking/lookups';
import { formatIsoDate, formatVietnamDay, formatVietnamTime } from '../../domain/shared/dates';
import { vietnamDate } from '../../domain/shared/quietHours';
import { requestStateLabels, requestTypeLabels, ticketOf, timeOfDayLabels } from '../../domain/requests/labels';
import { parseDateTime, parseWeek, timeMatches } from '../understand/dates';
import type { Effect } from '../effects';
import { honorific, reply, textMessage } from '../reply';
import type { Subject, TurnContext, TurnResult } from '../flow';
import { containsPhrase, foldVietnamese } from '../text';
import { chooseOption, numberedMenu, type MenuOption } from '../menu';
import { understand } from '../understand';
import type { BookingState } from '../state';

/**
 * Booking a periodic exam in chat: campaign (skipped when only one is open to the cadre) -> clinic (their
 * registered clinic first; skipped when only one takes part) -> day -> time -> confirm, then a summary.
 * "Đổi lịch", "Hủy lịch" and "Lịch của tôi" work from the booking menu and as typed phrases, with or
 * without diacritics. Frail cadres are offered a home visit first. The capacity rule lives in the effect
 * applier (domain/booking.ts); the turn reads free places in the same transaction, so what it promises
 * holds, and a slot that filled up meanwhile answers with the nearest free times.
 */

export const bookingText = {
  noCampaign: (hotline: string) =>
    `Hiện chưa có đợt khám định kỳ nào đang nhận đăng ký cho Ông/Bà.\nXin gọi ${hotline} (giờ hành chính) nếu cần hỏi thêm.`,
  chooseCampaign: 'Xin chọn đợt khám (gõ số):',
  chooseClinic: 'Xin chọn nơi khám (gõ số):',
  registeredClinic: 'nơi đăng ký',
  chooseDay: (clinic: string, example: string) => `Các ngày còn chỗ tại ${clinic} (gõ số, hoặc gõ ngày như ${example}, "mai", "thứ 5"):`,
  chooseDayMore: (clinic: string, example: string) => `Các ngày tiếp theo còn chỗ tại ${clinic} (gõ số, hoặc gõ ngày như ${example}):`,
  moreDays: 'Xem thêm ngày',
  firstDays: 'Về các ngày đầu',
  noMoreDays: 'Đó là tất cả các ngày còn chỗ. Đây là các ngày đầu:',
  chooseWeekDays: (from: string, to: string, clinic: string) => `Các ngày còn chỗ từ ${from} đến ${to} tại ${clinic} (gõ số):`,
  weekNoPlace: (from: string, to: string) => `Từ ${from} đến ${to} không còn ngày nào có chỗ.`,
  chooseTime: (day: string, example: string) => `Các giờ còn chỗ ${day} (gõ số, hoặc gõ giờ như ${example}):`,
  dayNotInCampaign: (day: string, from: string, to: string) => `${day} không có lịch khám của đợt này (đợt khám từ ${from} đến ${to}).`,
  dayPast: (day: string) => `${day} đã qua.`,
  dayNoPlace: (day: string) => `${day} không còn chỗ.`,
  timeNotFree: (time: string, day: string) => `${day} không còn chỗ lúc ${time}.`,
  pickDay: (example: string) => `Xin gõ một số trong danh sách, hoặc gõ ngày (ví dụ ${example}, "mai", "thứ 5"). Gõ 0 để về menu.`,
  pickTime: (example: string) => `Xin gõ một số trong danh sách, hoặc gõ giờ (ví dụ ${example}, "2 giờ chiều"). Gõ 0 để về menu.`,
  placesLeft: (n: number) => `còn ${n} chỗ`,
  noFreeDays: 'Nơi khám này đã hết chỗ trong đợt khám.',
  allFull: (hotline: string) => `Đợt khám hiện đã hết chỗ. Xin gọi ${hotline} để được xếp lịch.`,
  dayFull: 'Ngày này vừa hết chỗ. Xin chọn ngày khác.',
  confirm: (title: string, name: string) => `Xin xác nhận lịch khám của ${title} ${name}:`,
  confirmMove: (title: string, name: string) => `Xin xác nhận đổi lịch khám của ${title} ${name} sang:`,
  confirmYes: 'Xác nhận',
  confirmOther: 'Chọn giờ khác',
  slotTaken: 'Rất tiếc, giờ này vừa hết chỗ. Các giờ gần nhất còn chỗ (gõ số):',
  booked: (title: string, name: string) => `Đã đặt lịch khám cho ${title} ${name}.`,
  moved: (title: string, name: string) => `Đã đổi lịch khám cho ${title} ${name}.`,
  remindersNote: 'Chúng tôi sẽ nhắc trước 3 ngày, 1 ngày và sáng ngày khám.',
  changeHint: 'Gõ "đổi lịch" hoặc "hủy lịch" nếu cần thay đổi.',
  alreadyBooked: 'Ông/Bà đã có lịch trong đợt khám này.',
  hasBooking: (title: string, name: string) => `${title} ${name} đã có lịch khám:`,
  bookingLine: (b: BookingInfo) => `${formatVietnamDay(b.slot.localDate)}, lúc ${formatVietnamTime(b.slot.startsAt)} tại ${b.clinic.name}`,
  manage: 'Ông/Bà muốn (gõ số):',
  optShow: 'Xem lịch của tôi',
  optMove: 'Đổi lịch',
  optCancel: 'Hủy lịch',
  optOther: 'Đặt lịch đợt khác',
  pickBooking: 'Ông/Bà muốn thay đổi lịch nào? (gõ số)',
  noBooking: (title: string, name: string) => `${title} ${name} chưa có lịch khám nào.`,
  visitsTitle: 'Lịch hẹn tại nhà:',
  requestsTitle: 'Yêu cầu đang xử lý:',
  cancelAsk: 'Xin cho biết lý do hủy lịch (gõ số, hoặc gõ lý do):',
  cancelKeep: '0. Giữ lịch, về menu',
  cancelReasons: ['Bận việc', 'Đang ốm, nằm viện', 'Đã khám ở nơi khác'],
  cancelConfirm: (title: string, name: string, line: string, reason: string) =>
    `Xin xác nhận hủy lịch khám của ${title} ${name}:\n${line}\nLý do: ${reason}`,
  cancelYes: 'Đồng ý hủy lịch',
  cancelNo: 'Giữ lịch khám',
  kept: 'Dạ, lịch khám vẫn giữ nguyên.',
  cancelled: (title: string, name: string, line: string) => `Đã hủy lịch khám của ${title} ${name} (${line}).\nGõ "đặt lịch" khi muốn đặt lại.`,
  frailOffer: (title: string, name: string) =>
    `${title} ${name} có thể đề nghị bác sĩ đến khám tại nhà thay vì đến phòng khám.\nXin chọn (gõ số):`,
  frailHome: 'Yêu cầu khám tại nhà',
  frailClinic: 'Vẫn đến phòng khám',
  pickNumber: 'Xin gõ một số trong danh sách, hoặc gõ 0 để về menu.',
  noLongerAllowed: 'Tài khoản Zalo này không còn được làm việc cho hồ sơ đó. Gõ "menu" để bắt đầu lại.',
  bookingGone: 'Lịch khám này không còn hiệu lực.',
  unchanged: 'Đây vẫn là giờ khám cũ, lịch khám giữ nguyên.',
  backHint: 'Gõ 0 để về menu.',
  declineAsk: (title: string) => `Xin cho biết vì sao ${title} không đến được (gõ số, hoặc gõ lý do):`,
  declineConfirm: (title: string, name: string, line: string, reason: string) =>
    `Xin xác nhận ${title} ${name} không đến khám:\n${line}\nLý do: ${reason}\nChỗ khám sẽ được nhường cho người khác.`,
  declineYes: 'Đồng ý, nhường chỗ',
  declined: (title: string, name: string, line: string) =>
    `Đã ghi nhận ${title} ${name} không đến khám (${line}); chỗ đã được nhường cho người khác.\nGõ "đặt lịch" khi muốn đặt lại.`,
  waitlistAsk: (clinic: string, ahead: number) =>
    `${clinic} đã hết chỗ trong đợt khám này. Ông/Bà có muốn ghi tên vào danh sách chờ không? Khi có người hủy lịch, chúng tôi sẽ nhắn Zalo mời Ông/Bà nhận chỗ.${ahead ? ` Hiện có ${ahead} người đang chờ.` : ''}`,
  waitlistYes: 'Ghi tên chờ',
  waitlistNo: 'Không, cảm ơn',
  waitlistJoined: (title: string, name: string, clinic: string, ahead: number) =>
    `Đã ghi tên ${title} ${name} vào danh sách chờ tại ${clinic}${ahead ? ` (có ${ahead} người chờ trước)` : ''}. Khi có chỗ trống, chúng tôi sẽ nhắn Zalo; ${title} trả lời "1" để nhận chỗ.`,
  waitlistAlready: (title: string, name: string, clinic: string, ahead: number) =>
    `${title} ${name} đã có tên trong danh sách chờ tại ${clinic}${ahead ? ` (có ${ahead} người chờ trước)` : ''}. Khi có chỗ trống, chúng tôi sẽ nhắn Zalo ngay.`,
} as const;

type Command = 'book' | 'move' | 'cancel' | 'show';

/** Typed phrases that work anywhere in the booking flow (and from the main menu's "Đặt lịch khám"). */
export function bookingCommand(input: string): Command | null {
  const f = foldVietnamese(input);
  const has = (...phrases: string[]) => phrases.some((p) => containsPhrase(f, p));
  if (has('doi lich', 'doi ngay', 'doi gio', 'chuyen lich', 'dời lịch')) return 'move';
  if (has('huy lich', 'huy hen', 'huy dat lich', 'huy lich kham')) return 'cancel';
  if (has('lich cua toi', 'xem lich', 'lich hen cua toi', 'lich da dat')) return 'show';
  if (has('dat lich', 'dat lich kham', 'dang ky kham', 'dang ki kham', 'hen kham')) return 'book';
  return null;
}

// --- small helpers ----------------------------------------------------------------------------------------

const say = (state: BookingState | { flow: 'idle' }, text: string, buttons?: { title: string; payload: string }[], ...effects: Effect[]): TurnResult => ({
  state,
  effects: [...effects, reply(textMessage(text, buttons))],
});

const join = (...parts: (string | undefined | false)[]) => parts.filter(Boolean).join('\n\n');

interface Who {
  subject: Subject;
  title: string;
  base: Pick<BookingState, 'flow' | 'cadreId' | 'viaProxy'>;
}

const whoOf = (subject: Subject): Who => ({
  subject,
  title: honorific(subject.sex),
  base: { flow: 'booking', cadreId: subject.id, viaProxy: subject.viaProxy },
});

const state = (
  who: Who,
  s: Omit<BookingState, 'flow' | 'cadreId' | 'viaProxy' | 'options' | 'purpose' | 'page'> & Partial<Pick<BookingState, 'options' | 'purpose' | 'page'>>,
): BookingState => ({
  ...who.base,
  purpose: 'book',
  options: [],
  page: 0,
  ...s,
});

type Wanted = NonNullable<BookingState['wanted']>;

/** The day and time named in a message ("cho tôi đặt lịch khám ngày mai", "thứ 5 lúc 2 giờ chiều"), if any. */
function wantedIn(text: string | undefined, now: number): Wanted | undefined {
  if (!text) return undefined;
  const { date, time } = parseDateTime(text, now);
  const week = date ? null : parseWeek(text, now);
  if (!date && !week && time?.minutes == null) return undefined;
  return { date, minutes: time?.minutes ?? null, ambiguous: time?.ambiguous ?? false, ...(week ? { week } : {}) };
}

/** "05/03" for a local date, the form the prompts suggest (and the reader accepts). */
const dayMonth = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;

const timeLabel = (slot: SlotInfo) => formatVietnamTime(slot.startsAt);
const dayTimeLabel = (slot: SlotInfo) => `${formatVietnamDay(slot.localDate)}, ${formatVietnamTime(slot.startsAt)}`;

// --- entry ------------------------------------------------------------------------------------------------

/** intentStarters.booking: what "Đặt lịch khám" (or a typed "đổi lịch", "hủy lịch", "lịch của tôi") starts. */
export function startBooking(subject: Subject, ctx: TurnContext, lead?: string): TurnResult {
  const who = whoOf(subject);
  const command = ctx.input ? bookingCommand(ctx.input) : null;
  if (command && command !== 'book') return runCommand(who, command, ctx, lead);
  const active = ctx.lookups.booking.activeBookings(subject.id);
  if (active.length) return manageMenu(who, ctx, active, lead);
  if (subject.frail) return frailOffer(who, lead);
  return startNew(who, ctx, lead, wantedIn(ctx.input, ctx.saidAt ?? ctx.now));
}

function runCommand(who: Who, command: Command, ctx: TurnContext, lead?: string): TurnResult {
  const active = ctx.lookups.booking.activeBookings(who.subject.id);
  if (command === 'book') return active.length ? manageMenu(who, ctx, active, lead) : who.subject.frail ? frailOffer(who, lead) : startNew(who, ctx, lead);
  // No exam booked, but a home visit or another request may be on its way: "Lịch của tôi" shows those too.
  if (!active.length) return startNew(who, ctx, join(lead, bookingText.noBooking(who.title, who.subject.fullName), command === 'show' && otherPlans(who, ctx)));
  if (command === 'show') return showBookings(who, ctx, active, lead);
  if (active.length > 1) {
    const options = active.map((b) => ({ line: bookingText.bookingLine(b), label: formatVietnamDay(b.slot.localDate) }));
    const m = numberedMenu(bookingText.pickBooking, options, bookingText.backHint);
    return say(state(who, { step: 'pickBooking', purpose: command, options: active.map((b) => b.id) }), join(lead, m.text), m.buttons);
  }
  return command === 'move' ? startMove(who, ctx, active[0]!, lead) : askCancelReason(who, active[0]!, lead);
}

function manageOptions(who: Who, ctx: TurnContext): MenuOption[] {
  const options: MenuOption[] = [
    { label: bookingText.optShow, phrases: ['xem'] },
    { label: bookingText.optMove, phrases: ['doi'] },
    { label: bookingText.optCancel, phrases: ['huy'] },
  ];
  if (ctx.lookups.booking.bookableCampaigns(who.subject.id).length) {
    options.push({ label: bookingText.optOther, phrases: ['dot khac', 'dat them'] });
  }
  return options;
}

function manageMenu(who: Who, ctx: TurnContext, active: BookingInfo[], lead?: string): TurnResult {
  const lines = active.map((b) => `• ${bookingText.bookingLine(b)}`).join('\n');
  const m = numberedMenu(bookingText.manage, manageOptions(who, ctx), bookingText.backHint);
  return say(
    state(who, { step: 'manage' }),
    join(lead, `${bookingText.hasBooking(who.title, who.subject.fullName)}\n${lines}`, m.text),
    m.buttons,
  );
}

function showBookings(who: Who, ctx: TurnContext, active: BookingInfo[], lead?: string): TurnResult {
  const details = active.map((b) => bookingDetailLines(b).join('\n')).join('\n\n');
  const m = numberedMenu(bookingText.manage, manageOptions(who, ctx).slice(1), bookingText.backHint);
  return say(
    state(who, { step: 'manage', options: ['show'] }),
    join(lead, `${bookingText.hasBooking(who.title, who.subject.fullName)}\n${details}`, otherPlans(who, ctx), m.text),
    m.buttons,
  );
}

/** Scheduled home visits and the other open requests of the cadre, for "Lịch của tôi"; '' when none. */
function otherPlans(who: Who, ctx: TurnContext): string {
  const open = ctx.lookups.requests.openRequests([who.subject.id]).filter((r) => r.cadreId === who.subject.id && r.type !== 'emergency');
  if (!open.length) return '';
  const visits = open.filter((r) => r.state === 'scheduled' && r.scheduledDate);
  const others = open.filter((r) => !visits.includes(r));
  const lines: string[] = [];
  if (visits.length) {
    lines.push(bookingText.visitsTitle);
    for (const r of visits) {
      lines.push(`• ${requestTypeLabels[r.type]}: ${formatVietnamDay(r.scheduledDate!)}, ${timeOfDayLabels[r.scheduledTime ?? 'any']}${r.handlerName ? ` (${r.handlerName})` : ''} – ${ticketOf(r.id)}`);
    }
  }
  if (others.length) {
    if (lines.length) lines.push('');
    lines.push(bookingText.requestsTitle);
    for (const r of others) lines.push(`• ${requestTypeLabels[r.type]} – ${ticketOf(r.id)}: ${requestStateLabels[r.state]}`);
  }
  return lines.join('\n');
}

function frailOffer(who: Who, lead?: string): TurnResult {
  const m = numberedMenu(bookingText.frailOffer(who.title, who.subject.fullName), [
    { label: bookingText.frailHome, phrases: ['tai nha', 'kham tai nha'] },
    { label: bookingText.frailClinic, phrases: ['phong kham', 'van dat', 'van den'] },
  ], bookingText.backHint);
  return say(state(who, { step: 'frail' }), join(lead, m.text), m.buttons);
}

// --- choosing campaign, clinic, day, time -----------------------------------------------------------------

function startNew(who: Who, ctx: TurnContext, lead?: string, wanted?: Wanted): TurnResult {
  const campaigns = ctx.lookups.booking.bookableCampaigns(who.subject.id);
  if (!campaigns.length) return say({ flow: 'idle' }, join(lead, bookingText.noCampaign(ctx.lookups.hotline)));
  if (campaigns.length === 1) return chooseClinic(who, ctx, campaigns[0]!, 'book', undefined, lead, wanted);
  const m = numberedMenu(bookingText.chooseCampaign, campaigns.map(campaignOption), bookingText.backHint);
  return say(state(who, { step: 'campaign', options: campaigns.map((c) => c.id), wanted }), join(lead, m.text), m.buttons);
}

const campaignOption = (c: CampaignInfo): MenuOption => ({
  line: `${c.name} (${formatVietnamDay(c.startDate).split(', ')[1]} – ${formatVietnamDay(c.endDate).split(', ')[1]})`,
  label: c.name,
});

function startMove(who: Who, ctx: TurnContext, b: BookingInfo, lead?: string): TurnResult {
  return chooseClinic(who, ctx, b.campaign, 'move', b, lead);
}

function chooseClinic(who: Who, ctx: TurnContext, campaign: CampaignInfo, purpose: 'book' | 'move', moving: BookingInfo | undefined, lead?: string, wanted?: Wanted): TurnResult {
  const prefer = moving?.clinic.id ?? who.subject.clinicId;
  const clinics = ctx.lookups.booking
    .clinics(campaign.id, prefer)
    .filter((c) => ctx.lookups.booking.freeDays(campaign.id, c.id, 1).length > 0);
  const bookingId = moving?.id;
  if (!clinics.length && purpose === 'book' && ctx.lookups.aftercare) return offerWaitlist(who, ctx, campaign, prefer, lead);
  if (!clinics.length) return say({ flow: 'idle' }, join(lead, bookingText.allFull(ctx.lookups.hotline)));
  if (clinics.length === 1) return dayStep(who, ctx, { campaignId: campaign.id, clinicId: clinics[0]!.id, purpose, bookingId }, lead, wanted);
  const options = clinics.map((c) => ({
    line: c.id === who.subject.clinicId ? `${c.name} (${bookingText.registeredClinic})` : c.name,
    label: c.name,
  }));
  const m = numberedMenu(bookingText.chooseClinic, options, bookingText.backHint);
  return say(state(who, { step: 'clinic', campaignId: campaign.id, purpose, bookingId, options: clinics.map((c) => c.id), wanted }), join(lead, campaign.name, m.text), m.buttons);
}

interface Place {
  campaignId: number;
  clinicId: number;
  purpose: 'book' | 'move';
  bookingId?: number;
}

const DAYS_PER_PAGE = 7;
const MORE = 'more';
const moreOption: MenuOption = { label: bookingText.moreDays, phrases: ['them ngay', 'xem them', 'ngay khac', 'ngay sau', 'ngay tiep', 'con ngay nao'] };
const firstOption: MenuOption = { label: bookingText.firstDays, phrases: ['ngay dau', 'quay lai ngay dau'] };

/** The day step, going straight on when the user already named a day (and maybe a time). */
function dayStep(who: Who, ctx: TurnContext, place: Place, lead?: string, wanted?: Wanted): TurnResult {
  if (wanted?.date) return dayChosen(who, ctx, place, wanted.date, wanted, lead);
  if (wanted?.week) return chooseDayInWeek(who, ctx, place, wanted.week, lead);
  return chooseDay(who, ctx, place, lead);
}

/** How many open days to read when looking for those of one week: a campaign's whole span. */
const DAYS_LOOKED_AHEAD = 400;

/** "tuần sau": the open days of that week, or why none and the first open days. */
function chooseDayInWeek(who: Who, ctx: TurnContext, place: Place, week: { from: string; to: string }, lead?: string): TurnResult {
  const today = vietnamDate(ctx.now);
  const days = ctx.lookups.booking
    .freeDays(place.campaignId, place.clinicId, DAYS_LOOKED_AHEAD)
    .filter((d) => d.date >= week.from && d.date <= week.to && d.date >= today);
  const clinic = ctx.lookups.booking.clinics(place.campaignId, null).find((c) => c.id === place.clinicId);
  const [from, to] = [formatIsoDate(week.from), formatIsoDate(week.to)];
  if (!days.length || !clinic) return chooseDay(who, ctx, place, join(lead, bookingText.weekNoPlace(from, to)));
  const shown = days.slice(0, DAYS_PER_PAGE);
  const options: MenuOption[] = shown.map((d) => ({ line: `${formatVietnamDay(d.date)} (${bookingText.placesLeft(d.free)})`, label: formatVietnamDay(d.date) }));
  // The first open days of the whole campaign stay one choice away.
  const m = numberedMenu(bookingText.chooseWeekDays(from, to, clinic.name), [...options, firstOption], bookingText.backHint);
  const buttons = m.buttons.length === 5 ? [...m.buttons.slice(0, 4), { title: firstOption.label, payload: firstOption.label }] : m.buttons;
  return say(state(who, { step: 'day', ...place, options: [...shown.map((d) => d.date), 'first'] }), join(lead, m.text), buttons);
}

/** Every open day, seven at a time: "Xem thêm ngày" shows the next ones. */
function chooseDay(who: Who, ctx: TurnContext, place: Place, lead?: string, page = 0): TurnResult {
  const all = ctx.lookups.booking.freeDays(place.campaignId, place.clinicId, (page + 1) * DAYS_PER_PAGE + 1);
  const clinic = ctx.lookups.booking.clinics(place.campaignId, null).find((c) => c.id === place.clinicId);
  if (!all.length || !clinic) return say({ flow: 'idle' }, join(lead, bookingText.noFreeDays, bookingText.backHint));
  const shown = all.slice(page * DAYS_PER_PAGE, (page + 1) * DAYS_PER_PAGE);
  if (!shown.length) return chooseDay(who, ctx, place, lead, 0);
  const more = all.length > (page + 1) * DAYS_PER_PAGE;
  const options: MenuOption[] = shown.map((d) => ({ line: `${formatVietnamDay(d.date)} (${bookingText.placesLeft(d.free)})`, label: formatVietnamDay(d.date) }));
  const values: string[] = shown.map((d) => d.date);
  if (more) options.push(moreOption), values.push(MORE);
  else if (page > 0) options.push(firstOption), values.push('first');
  const example = dayMonth(shown[0]!.date);
  const prompt = page ? bookingText.chooseDayMore(clinic.name, example) : bookingText.chooseDay(clinic.name, example);
  const m = numberedMenu(prompt, options, bookingText.backHint);
  // Buttons: the first days, and "more" always among them.
  const buttons = more && m.buttons.length === 5 ? [...m.buttons.slice(0, 4), { title: moreOption.label, payload: moreOption.label }] : m.buttons;
  return say(state(who, { step: 'day', ...place, options: values, page }), join(lead, m.text), buttons);
}

/** A day the user typed or named: its free times, or why not and the days that are open. */
function dayChosen(who: Who, ctx: TurnContext, place: Place, day: string, wanted: Wanted | undefined, lead?: string): TurnResult {
  const b = ctx.lookups.booking;
  const label = formatVietnamDay(day);
  const campaign = b.campaign(place.campaignId);
  const today = vietnamDate(ctx.now);
  if (day < today) return chooseDay(who, ctx, place, join(lead, bookingText.dayPast(label)));
  if (campaign && (day < campaign.startDate || day > campaign.endDate)) {
    return chooseDay(who, ctx, place, join(lead, bookingText.dayNotInCampaign(label, formatIsoDate(campaign.startDate), formatIsoDate(campaign.endDate))));
  }
  const slots = b.freeSlots(place.campaignId, place.clinicId, day);
  if (!slots.length) return chooseDay(who, ctx, place, join(lead, bookingText.dayNoPlace(label)));
  if (wanted?.minutes != null) {
    const mention = { minutes: wanted.minutes, partOfDay: null, ambiguous: wanted.ambiguous };
    const slot = slots.find((x) => timeMatches(mention, minutesOf(x)));
    if (slot) return confirmSlot(who, ctx, place, slot, lead);
    const asked = `${Math.floor(wanted.minutes / 60)}:${String(wanted.minutes % 60).padStart(2, '0')}`;
    return chooseTime(who, ctx, place, day, join(lead, bookingText.timeNotFree(asked, label)));
  }
  return chooseTime(who, ctx, place, day, lead);
}

function chooseTime(who: Who, ctx: TurnContext, place: Place, day: string, lead?: string): TurnResult {
  const slots = ctx.lookups.booking.freeSlots(place.campaignId, place.clinicId, day);
  if (!slots.length) return chooseDay(who, ctx, place, join(lead, bookingText.dayFull));
  const options = slots.map((s) => ({ line: `${timeLabel(s)} (${bookingText.placesLeft(s.free)})`, label: timeLabel(s) }));
  const m = numberedMenu(bookingText.chooseTime(formatVietnamDay(day), timeLabel(slots[Math.min(1, slots.length - 1)]!)), options, bookingText.backHint);
  return say(state(who, { step: 'time', ...place, day, options: slots.map((s) => s.id) }), join(lead, m.text), m.buttons);
}

/** The nearest free times at the same clinic, when the chosen one filled up. */
function offerAlternatives(who: Who, ctx: TurnContext, place: Place, wanted: SlotInfo | null, lead?: string): TurnResult {
  const around = wanted?.startsAt ?? ctx.now;
  const alternatives = ctx.lookups.booking.nearestFree(place.campaignId, place.clinicId, around, 5, wanted?.id);
  if (!alternatives.length) return chooseClinicAgain(who, ctx, place, lead);
  const options = alternatives.map((s) => ({ line: `${dayTimeLabel(s)} (${bookingText.placesLeft(s.free)})`, label: dayTimeLabel(s) }));
  const m = numberedMenu(bookingText.slotTaken, options, bookingText.backHint);
  return say(state(who, { step: 'time', ...place, options: alternatives.map((s) => s.id) }), join(lead, m.text), m.buttons);
}

function chooseClinicAgain(who: Who, ctx: TurnContext, place: Place, lead?: string): TurnResult {
  const campaign = ctx.lookups.booking.campaign(place.campaignId);
  const moving = place.bookingId ? (ctx.lookups.booking.booking(place.bookingId) ?? undefined) : undefined;
  if (!campaign) return say({ flow: 'idle' }, join(lead, bookingText.allFull(ctx.lookups.hotline)));
  return chooseClinic(who, ctx, campaign, place.purpose, moving, lead);
}

const waitlistOptions: MenuOption[] = [
  { label: bookingText.waitlistYes, phrases: ['ghi ten', 'cho cho', 'danh sach cho'] },
  { label: bookingText.waitlistNo },
];

/** Every day full: the waitlist of the cadre's clinic (or the first taking part) is offered, yes/no. */
function offerWaitlist(who: Who, ctx: TurnContext, campaign: CampaignInfo, prefer: number | null, lead?: string): TurnResult {
  const aftercare = ctx.lookups.aftercare!;
  const already = aftercare.waitlisted(who.subject.id, campaign.id);
  if (already) return say({ flow: 'idle' }, join(lead, bookingText.waitlistAlready(who.title, who.subject.fullName, already.clinicName, already.ahead)));
  const clinic = ctx.lookups.booking.clinics(campaign.id, prefer)[0];
  if (!clinic) return say({ flow: 'idle' }, join(lead, bookingText.allFull(ctx.lookups.hotline)));
  const m = numberedMenu(bookingText.waitlistAsk(clinic.name, aftercare.waitingAt(campaign.id, clinic.id)), waitlistOptions, bookingText.backHint);
  return say(state(who, { step: 'waitlist', campaignId: campaign.id, clinicId: clinic.id }), join(lead, m.text), m.buttons);
}

const cancelConfirmOptions: MenuOption[] = [
  { label: bookingText.cancelYes },
  { label: bookingText.cancelNo, phrases: ['giu lich'] },
];

const declineConfirmOptions: MenuOption[] = [
  { label: bookingText.declineYes },
  { label: bookingText.cancelNo, phrases: ['giu lich'] },
];

function confirmSlot(who: Who, ctx: TurnContext, place: Place, slot: SlotInfo, lead?: string): TurnResult {
  const clinic = ctx.lookups.booking.clinics(place.campaignId, null).find((c) => c.id === slot.clinicId);
  const head = place.purpose === 'move' ? bookingText.confirmMove(who.title, who.subject.fullName) : bookingText.confirm(who.title, who.subject.fullName);
  const m = numberedMenu(`${head}\n${clinic?.name ?? ''}\n${formatVietnamDay(slot.localDate)}, lúc ${timeLabel(slot)}\n`, confirmOptions, bookingText.backHint);
  return say(state(who, { step: 'confirm', ...place, day: slot.localDate, slotId: slot.id }), join(lead, m.text), m.buttons);
}

function askCancelReason(who: Who, b: BookingInfo, lead?: string, declined?: boolean): TurnResult {
  const options = bookingText.cancelReasons.map((r) => ({ label: r }));
  const prompt = declined ? `${bookingText.bookingLine(b)}\n${bookingText.declineAsk(who.title)}` : `${bookingText.optCancel}: ${bookingText.bookingLine(b)}\n${bookingText.cancelAsk}`;
  const m = numberedMenu(prompt, options, bookingText.cancelKeep);
  return say(state(who, { step: 'cancelReason', purpose: 'cancel', bookingId: b.id, campaignId: b.campaign.id, ...(declined ? { declined } : {}) }), join(lead, m.text), m.buttons);
}

/** "3 Không đến được" to the day-before question: why, then a summary; the place is freed only on a yes. */
export const askDeclineReason = (subject: Subject, b: BookingInfo, lead?: string): TurnResult => askCancelReason(whoOf(subject), b, lead, true);

/** "2 Đổi lịch" to the day-before question: the move flow for that booking. */
export const startMoveOf = (subject: Subject, ctx: TurnContext, b: BookingInfo, lead?: string): TurnResult => startMove(whoOf(subject), ctx, b, lead);

// --- confirming -----------------------------------------------------------------------------------------------

const confirmOptions: MenuOption[] = [
  { label: bookingText.confirmYes },
  { label: bookingText.confirmOther, phrases: ['gio khac', 'chon lai', 'ngay khac'] },
];

/**
 * A plain yes or no at the confirm step, as the understanding step reads it (bot/understand): diacritics count
 * when typed ("dừng" is not "đúng"), and any no-word or retraction wins, so "không, thôi" never commits. The
 * turn reads yes/no before the flow too; this keeps the step safe when called on its own.
 */
export function yesOrNo(input: string): 'yes' | 'no' | null {
  const m = understand(input);
  if (m.answer === 'no' || m.retraction) return 'no';
  return m.answer;
}

const minutesOf = (slot: SlotInfo) => {
  const [h, m] = formatVietnamTime(slot.startsAt).split(':').map(Number) as [number, number];
  return h * 60 + m;
};

// --- the turn ---------------------------------------------------------------------------------------------

/** Rebuilds who the flow acts for, and checks the Zalo user may still act for them (link or approved proxy). */
function subjectOf(s: BookingState, ctx: TurnContext): Subject | null {
  const cadre = ctx.lookups.booking.actingFor(s.cadreId, s.viaProxy);
  return cadre ? { ...cadre, viaProxy: s.viaProxy } : null;
}

export function handleBooking(s: BookingState, text: string, ctx: TurnContext): TurnResult {
  const subject = subjectOf(s, ctx);
  if (!subject) return say({ flow: 'idle' }, bookingText.noLongerAllowed);
  const who = whoOf(subject);
  const b = ctx.lookups.booking;

  // A step's own choices first (a typed "hủy lịch" at the manage menu is its option 3 anyway).
  const command = bookingCommand(text);
  const place: Place | null =
    s.campaignId !== undefined && s.clinicId !== undefined
      ? { campaignId: s.campaignId, clinicId: s.clinicId, purpose: s.purpose === 'move' ? 'move' : 'book', bookingId: s.bookingId }
      : null;

  switch (s.step) {
    case 'manage': {
      const options = s.options[0] === 'show' ? manageOptions(who, ctx).slice(1) : manageOptions(who, ctx);
      const i = chooseOption(text, options);
      if (i !== null) {
        const chosen = options[i]!.label;
        if (chosen === bookingText.optShow) return runCommand(who, 'show', ctx);
        if (chosen === bookingText.optMove) return runCommand(who, 'move', ctx);
        if (chosen === bookingText.optCancel) return runCommand(who, 'cancel', ctx);
        return startNew(who, ctx);
      }
      break;
    }
    case 'frail': {
      const i = chooseOption(text, [
        { label: bookingText.frailHome, phrases: ['tai nha', 'kham tai nha'] },
        { label: bookingText.frailClinic, phrases: ['phong kham', 'van dat', 'van den'] },
      ]);
      if (i === 0) return ctx.flows.startHomeVisit(subject, ctx);
      if (i === 1) return startNew(who, ctx);
      break;
    }
    case 'pickBooking': {
      const active = b.activeBookings(subject.id).filter((x) => s.options.includes(x.id));
      const i = chooseOption(text, active.map((x) => ({ line: bookingText.bookingLine(x), label: formatVietnamDay(x.slot.localDate) })));
      if (i !== null) return s.purpose === 'cancel' ? askCancelReason(who, active[i]!) : startMove(who, ctx, active[i]!);
      break;
    }
    case 'campaign': {
      const campaigns = b.bookableCampaigns(subject.id).filter((c) => s.options.includes(c.id));
      const i = chooseOption(text, campaigns.map(campaignOption));
      if (i !== null) return chooseClinic(who, ctx, campaigns[i]!, 'book', undefined, undefined, s.wanted);
      break;
    }
    case 'clinic': {
      if (s.campaignId === undefined) break;
      const clinics = b.clinics(s.campaignId, null).filter((c) => s.options.includes(c.id));
      const ordered = s.options.map((id) => clinics.find((c) => c.id === id)).filter((c) => c !== undefined);
      const i = chooseOption(text, ordered.map((c) => ({ label: c.name })));
      if (i !== null) {
        return dayStep(who, ctx, { campaignId: s.campaignId, clinicId: ordered[i]!.id, purpose: s.purpose === 'move' ? 'move' : 'book', bookingId: s.bookingId }, undefined, s.wanted);
      }
      break;
    }
    case 'day': {
      if (!place) break;
      const shown: MenuOption[] = s.options.map((o) =>
        o === MORE ? moreOption : o === 'first' ? firstOption : { label: formatVietnamDay(String(o)) },
      );
      // A named day first ("thứ 5 tuần sau" is a day, not "more days"); a bare number is a choice.
      const wanted = /^\s*\d{1,2}\s*$/.test(text) ? undefined : wantedIn(text, ctx.now);
      if (wanted?.date) return dayChosen(who, ctx, place, wanted.date, wanted);
      if (wanted?.week) return chooseDayInWeek(who, ctx, place, wanted.week);
      const i = chooseOption(text, shown);
      if (i === null && chooseOption(text, [moreOption]) === 0) return chooseDay(who, ctx, place, bookingText.noMoreDays);
      if (i !== null) {
        const chosen = s.options[i]!;
        if (chosen === MORE) return chooseDay(who, ctx, place, undefined, s.page + 1);
        if (chosen === 'first') return chooseDay(who, ctx, place);
        return chooseTime(who, ctx, place, String(chosen));
      }
      if (!command) {
        const first = s.options.find((o): o is string => typeof o === 'string' && /^\d{4}-/.test(o));
        return say(s, bookingText.pickDay(first ? dayMonth(first) : '05/03'));
      }
      break;
    }
    case 'time': {
      if (!place) break;
      const slots = s.options.map((id) => (typeof id === 'number' ? b.slot(id) : null)).filter((x): x is SlotInfo => x !== null);
      const labels = slots.map((x) => ({ label: s.day ? timeLabel(x) : dayTimeLabel(x) }));
      let i = chooseOption(text, labels);
      const wanted = wantedIn(text, ctx.now);
      // Another day named here ("thứ 5", "mai 2 giờ chiều") goes to that day.
      if (i === null && wanted?.date && wanted.date !== s.day) return dayChosen(who, ctx, place, wanted.date, wanted);
      if (i === null && wanted?.week) return chooseDayInWeek(who, ctx, place, wanted.week);
      if (i === null && wanted?.minutes != null) {
        const mention = { minutes: wanted.minutes, partOfDay: null, ambiguous: wanted.ambiguous };
        const j = slots.findIndex((x) => timeMatches(mention, minutesOf(x)));
        if (j >= 0) i = j;
        else if (s.day) {
          const asked = `${Math.floor(wanted.minutes / 60)}:${String(wanted.minutes % 60).padStart(2, '0')}`;
          return chooseTime(who, ctx, place, s.day, bookingText.timeNotFree(asked, formatVietnamDay(s.day)));
        }
      }
      if (i !== null) {
        const slot = slots[i]!;
        if (!slotBookable(slot, ctx.now)) return offerAlternatives(who, ctx, place, slot);
        return confirmSlot(who, ctx, place, slot);
      }
      if (!command && slots.length) return say(s, bookingText.pickTime(timeLabel(slots[0]!)));
      break;
    }
    case 'confirm': {
      if (!place || s.slotId === undefined) break;
      const i = chooseOption(text, confirmOptions);
      const answer = i === 0 ? 'yes' : i === 1 ? 'no' : yesOrNo(text);
      if (answer === 'no') return s.day ? chooseTime(who, ctx, place, s.day) : chooseDay(who, ctx, place);
      if (answer === 'yes') return confirmed(who, ctx, place, s.slotId);
      const wanted = wantedIn(text, ctx.now);
      if (wanted?.date) return dayChosen(who, ctx, place, wanted.date, wanted);
      break;
    }
    case 'waitlist': {
      if (s.campaignId === undefined || s.clinicId === undefined) break;
      const i = chooseOption(text, waitlistOptions);
      if (i === 1) return say({ flow: 'idle' }, join(bookingText.allFull(ctx.lookups.hotline)));
      if (i !== 0) break;
      const clinic = b.clinics(s.campaignId, null).find((c) => c.id === s.clinicId);
      const ahead = ctx.lookups.aftercare?.waitingAt(s.campaignId, s.clinicId) ?? 0;
      return say(
        { flow: 'idle' },
        bookingText.waitlistJoined(who.title, subject.fullName, clinic?.name ?? '', ahead),
        undefined,
        { type: 'waitlist.join', cadreId: subject.id, campaignId: s.campaignId, clinicId: s.clinicId, viaProxy: subject.viaProxy },
      );
    }
    case 'cancelReason': {
      if (command) break;
      const booking = s.bookingId !== undefined ? b.booking(s.bookingId) : null;
      if (!booking || booking.status !== 'booked') return say({ flow: 'idle' }, join(bookingText.bookingGone, bookingText.backHint));
      const options = bookingText.cancelReasons.map((r) => ({ label: r }));
      const i = chooseOption(text, options);
      const reason = i !== null ? bookingText.cancelReasons[i]! : text.trim().replace(/\s+/g, ' ').slice(0, 300);
      if (/^\d+$/.test(reason) || reason.length < 2) return say(s, join(bookingText.pickNumber));
      // Cancelling is shown as a summary first and done only on a yes.
      const summary = (s.declined ? bookingText.declineConfirm : bookingText.cancelConfirm)(who.title, subject.fullName, bookingText.bookingLine(booking), reason);
      const m = numberedMenu(summary, s.declined ? declineConfirmOptions : cancelConfirmOptions, bookingText.backHint);
      return say({ ...s, step: 'cancelConfirm', reason }, m.text, m.buttons);
    }
    case 'cancelConfirm': {
      const booking = s.bookingId !== undefined ? b.booking(s.bookingId) : null;
      if (!booking || booking.status !== 'booked') return say({ flow: 'idle' }, join(bookingText.bookingGone, bookingText.backHint));
      const i = chooseOption(text, s.declined ? declineConfirmOptions : cancelConfirmOptions);
      if (i === 1) return say({ flow: 'idle' }, join(bookingText.kept, bookingText.backHint));
      if (i !== 0 || !s.reason) break;
      return say(
        { flow: 'idle' },
        (s.declined ? bookingText.declined : bookingText.cancelled)(who.title, subject.fullName, bookingText.bookingLine(booking)),
        [{ title: 'Đặt lịch khám', payload: 'Đặt lịch khám' }],
        { type: 'booking.cancel', bookingId: booking.id, reason: s.reason, viaProxy: subject.viaProxy, ...(s.declined ? { declined: true } : {}) },
        ...toldCadre(who, 'cancelled', booking.id),
      );
    }
  }
  if (command) return runCommand(who, command, ctx);
  return say(s, bookingText.pickNumber);
}

function confirmed(who: Who, ctx: TurnContext, place: Place, slotId: number): TurnResult {
  const b = ctx.lookups.booking;
  const slot = b.slot(slotId);
  if (!slotBookable(slot, ctx.now)) return offerAlternatives(who, ctx, place, slot);
  const campaign = b.campaign(place.campaignId);
  const clinic = b.clinics(place.campaignId, null).find((c) => c.id === slot.clinicId);
  if (!campaign || !clinic) return say({ flow: 'idle' }, bookingText.allFull(ctx.lookups.hotline));
  const details = bookingDetailLines({ clinic, slot, campaign }).join('\n');
  const tail = [bookingText.remindersNote, bookingText.changeHint].join('\n');
  const buttons = [
    { title: bookingText.optMove, payload: bookingText.optMove },
    { title: bookingText.optCancel, payload: bookingText.optCancel },
  ];

  if (place.purpose === 'move') {
    const moving = place.bookingId !== undefined ? b.booking(place.bookingId) : null;
    if (!moving || moving.status !== 'booked') return say({ flow: 'idle' }, join(bookingText.bookingGone, bookingText.backHint));
    if (moving.slot.id === slot.id) return say({ flow: 'idle' }, join(bookingText.unchanged, details, bookingText.changeHint));
    return say({ flow: 'idle' }, join(bookingText.moved(who.title, who.subject.fullName), details, tail), buttons, {
      type: 'booking.move',
      bookingId: moving.id,
      slotId: slot.id,
      viaProxy: who.subject.viaProxy,
    }, ...toldCadre(who, 'moved'));
  }
  // Someone else (the cadre, or another proxy) may have booked this campaign meanwhile.
  if (!b.bookableCampaigns(who.subject.id).some((c) => c.id === place.campaignId)) {
    const active = b.activeBookings(who.subject.id);
    return active.length ? manageMenu(who, ctx, active, bookingText.alreadyBooked) : say({ flow: 'idle' }, bookingText.alreadyBooked);
  }
  return say({ flow: 'idle' }, join(bookingText.booked(who.title, who.subject.fullName), details, tail), buttons, {
    type: 'booking.create',
    cadreId: who.subject.id,
    slotId: slot.id,
    viaProxy: who.subject.viaProxy,
  }, ...toldCadre(who, 'booked'));
}

/** A proxy's booking, move or cancel is told to the cadre (after the booking effect, in the same turn). */
function toldCadre(who: Who, action: 'booked' | 'moved' | 'cancelled', bookingId?: number): Effect[] {
  return who.subject.viaProxy ? [{ type: 'proxyActed', cadreId: who.subject.id, action, ...(bookingId !== undefined ? { bookingId } : {}) }] : [];
}
