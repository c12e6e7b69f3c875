import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookingInfo, CampaignInfo, ClinicInfo, SlotInfo } from '../domain/booking/lookups';
import { defaultRequestSettings } from '../domain/requests/requestChat';
import { vietnamInstant } from '../domain/shared/quietHours';
import type { BotEvent } from '../conversation/events';
import type { CadreSummary, Lookups } from './lookups';
import { ConversationState, initialState } from './state';
import { turn } from './turn';
import { foldWord } from './understand/normalize';

/**
 * Only a yes commits: no no-word or retraction, in any state, ever books, moves or cancels an exam, sends a
 * request, unlinks an account or asks to be a proxy. States are reached by random conversations through the
 * pure turn and also set up right at each confirmation; the no is written every way people write it.
 */

const NOW = Date.parse('2026-03-02T01:00:00Z');
const COMMITS = new Set(['booking.create', 'booking.move', 'booking.cancel', 'requestCreate', 'unlink', 'proxyRequest', 'link']);

const an: CadreSummary = { id: 1, code: 'HP-1', fullName: 'Nguyễn Văn An', sex: 'male', clinicId: 1, frail: false, maskedEmail: 'a***@x.vn' };

function world(): Lookups {
  const clinic: ClinicInfo = { id: 1, name: 'Phòng khám A', address: '1 Lạch Tray', phone: '0225 3 700 700' };
  const campaign: CampaignInfo = { id: 1, name: 'Khám định kỳ đợt 1', year: 2026, round: 1, startDate: '2026-03-02', endDate: '2026-03-31', instructions: 'Nhịn ăn sáng.' };
  const days = ['2026-03-03', '2026-03-04', '2026-03-05'];
  const slotsOf = (date: string): SlotInfo[] =>
    [7, 8, 14].map((hour, k) => {
      const startsAt = vietnamInstant(date, hour, 0);
      return { id: Number(date.slice(8)) * 10 + k, campaignId: 1, clinicId: 1, localDate: date, startsAt, endsAt: startsAt + 3_600_000, free: 2 };
    });
  const slot = (id: number) => slotsOf(`2026-03-${String(Math.floor(id / 10)).padStart(2, '0')}`)[id % 10] ?? null;
  const booking: BookingInfo = { id: 5, cadreId: 1, status: 'booked', campaign, clinic, slot: slotsOf(days[1]!)[0]! };
  return {
    committeeName: 'Ban Bảo vệ, chăm sóc sức khỏe cán bộ',
    hotline: '0225 3 123 456',
    requestInfoImageUrl: 'https://example.test/share.png',
    identity: () => ({ self: an, proxyFor: [], pendingProxyCadreIds: [], displayName: 'An' }),
    cadreById: (id) => (id === 1 ? an : null),
    activeCadresByPhone: () => [an],
    cadreByCodeAndBirthDate: () => an,
    otpSentCounts: () => ({ userLastHour: 0, cadreLastDay: 0 }),
    verificationFailures: () => ({ userLastDay: 0, codeLastDay: 0 }),
    linkedElsewhere: () => false,
    checkOtp: () => ({ status: 'ok', challengeId: 9, cadreId: 1 }),
    requests: { settings: () => defaultRequestSettings, lastAddress: () => '12 Trần Phú, Ngô Quyền', openRequests: () => [], inHandoff: () => false, clinicOf: () => clinic },
    booking: {
      bookableCampaigns: () => [campaign],
      activeBookings: () => [booking],
      booking: (id) => (id === 5 ? booking : null),
      campaign: (id) => (id === 1 ? campaign : null),
      clinics: () => [clinic],
      freeDays: (_c, _k, limit) => days.slice(0, limit).map((date) => ({ date, free: 6 })),
      freeSlots: (_c, _k, date) => slotsOf(date),
      slot,
      nearestFree: (_c, _k, _a, limit) => slotsOf(days[0]!).slice(0, limit),
      actingFor: (id) => (id === 1 ? an : null),
    },
    results: { released: () => [], view: () => null },
  } as Lookups;
}

/** Every step that commits on a yes, set up directly. */
const confirmations: ConversationState[] = [
  { flow: 'booking', step: 'confirm', cadreId: 1, viaProxy: false, purpose: 'book', campaignId: 1, clinicId: 1, day: '2026-03-03', slotId: 30 },
  { flow: 'booking', step: 'confirm', cadreId: 1, viaProxy: false, purpose: 'move', bookingId: 5, campaignId: 1, clinicId: 1, day: '2026-03-03', slotId: 31 },
  { flow: 'booking', step: 'cancelReason', cadreId: 1, viaProxy: false, purpose: 'cancel', bookingId: 5, campaignId: 1 },
  { flow: 'booking', step: 'cancelConfirm', cadreId: 1, viaProxy: false, purpose: 'cancel', bookingId: 5, campaignId: 1, reason: 'Bận việc' },
  { flow: 'requests', step: 'confirm', kind: 'medicine', cadreId: 1, draft: { reason: 'Amlodipin', address: '12 Trần Phú', date: null, time: 'any' } },
  { flow: 'requests', step: 'confirm', kind: 'question', cadreId: 1, draft: { reason: 'Có cần nhịn ăn?' } },
  { flow: 'requests', step: 'reason', kind: 'question', cadreId: 1 },
  { flow: 'linking', step: 'unlinkConfirm' },
  { flow: 'linking', step: 'proxyConfirm', cadreId: 1, code: 'HP-1', relation: 'con gái' },
  { flow: 'linking', step: 'proxyRelation', cadreId: 1, code: 'HP-1' },
].map((s) => ConversationState.parse(s));

const noWords = ['không', 'ko', 'k', 'thôi', 'khỏi', 'chưa', 'đừng', 'dừng', 'dừng lại', 'không cần', 'không đồng ý', 'không phải', 'sai rồi', 'khoan đã', 'để sau', 'thôi khỏi', 'hông', 'chưa cần'];
const retractions = ['thôi, không hủy nữa', 'không đặt nữa', 'thôi không gửi nữa', 'không muốn hủy liên kết nữa', 'thôi, dừng lại', 'vâng, nhưng thôi không đặt nữa', 'ok thôi khỏi', 'đồng ý... à mà thôi'];

/** A no as people write it: bare or with marks, in any case, with politeness, punctuation or a yes before it. */
const aNo: fc.Arbitrary<string> = fc
  .record({
    core: fc.constantFrom(...noWords, ...retractions),
    before: fc.constantFrom('', 'dạ ', 'vâng ', 'ok ', 'cháu ơi ', 'ừ nhưng ', 'đồng ý, à '),
    after: fc.constantFrom('', ' ạ', ' nhé', ' nữa', ' cháu ạ', '!', '...', ' 👍'),
    bare: fc.boolean(),
    upper: fc.boolean(),
  })
  .map(({ core, before, after, bare, upper }) => {
    let text = `${before}${core}${after}`;
    if (bare) text = text.split(/(\s+)/).map((w) => (/\s/.test(w) ? w : foldWord(w))).join('');
    return upper ? text.toUpperCase() : text;
  });

/** Steps of ordinary conversations that reach the confirmations. */
const steps: fc.Arbitrary<BotEvent> = fc.constantFrom<string>(
  'đặt lịch khám', '1', '2', '3', 'vâng', 'hủy lịch', 'đổi lịch', 'Bận việc', 'xin thuốc', 'Amlodipin 5mg', '12 Trần Phú, Ngô Quyền', 'sáng',
  'cho hỏi', 'có cần nhịn ăn không', 'hủy liên kết', 'menu', 'khám tại nhà', 'đau khớp', 'gấp', 'dat lic kham', 'gặp nhân viên', 'xem kết quả',
).map((text) => ({ type: 'text' as const, text }));

const commitsOf = (r: ReturnType<typeof turn>) => r.effects.filter((e) => COMMITS.has(e.type)).map((e) => e.type);

describe('only a yes commits', () => {
  it('a no or a retraction at any confirmation commits nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...confirmations), aNo, (state, text) => {
        expect(commitsOf(turn(state, { type: 'text', text }, NOW, world()))).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  it('in any state reached by a conversation, a no or a retraction commits nothing', () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 12 }), aNo, (prefix, text) => {
        let state = initialState;
        for (const event of prefix) state = turn(state, event, NOW, world()).state;
        expect(commitsOf(turn(state, { type: 'text', text }, NOW, world()))).toEqual([]);
      }),
      { numRuns: 250 },
    );
  });

  it('the same confirmations do commit on a plain yes (the property is not vacuous)', () => {
    const committed = confirmations
      .filter((s) => !(s.flow === 'requests' && s.step === 'reason') && !(s.flow === 'linking' && s.step === 'proxyRelation') && !(s.flow === 'booking' && s.step === 'cancelReason'))
      .map((s) => commitsOf(turn(s, { type: 'text', text: 'vâng' }, NOW, world())));
    expect(committed).toEqual([['booking.create'], ['booking.move'], ['booking.cancel'], ['requestCreate'], ['requestCreate'], ['unlink'], ['proxyRequest']]);
  });
});
