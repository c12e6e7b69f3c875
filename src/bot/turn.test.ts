import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRequestSettings } from '../domain/requests/requestChat';
import type { BotEvent } from '../conversation/events';
import { ZALO_TEXT_LIMIT } from '../conversation/messages';
import type { CadreSummary, Identity, Lookups } from './lookups';
import { ConversationState, initialState } from './state';
import { turn } from './turn';

const an: CadreSummary = { id: 1, code: 'HP-1', fullName: 'Nguyễn Văn An', sex: 'male', clinicId: 1, frail: false, maskedEmail: 'a***@x.vn' };

/** In-memory lookups: the turn must behave the same whatever backs them. */
function lookups(identity: Partial<Identity> = {}): Lookups {
  const id: Identity = { self: null, proxyFor: [], pendingProxyCadreIds: [], displayName: null, ...identity };
  return {
    committeeName: 'Ban Bảo vệ, chăm sóc sức khỏe cán bộ',
    hotline: '0225 3 123 456',
    requestInfoImageUrl: 'https://example.test/share.png',
    identity: () => id,
    cadreById: (cid) => (cid === an.id ? an : null),
    activeCadresByPhone: (p) => (p === '84912345678' ? [an] : []),
    cadreByCodeAndBirthDate: (code, birth) => (code === 'HP-1' && birth === '1950-09-05' ? an : null),
    otpSentCounts: () => ({ userLastHour: 0, cadreLastDay: 0 }),
    verificationFailures: () => ({ userLastDay: 0, codeLastDay: 0 }),
    linkedElsewhere: () => false,
    checkOtp: (code) => (code === '123456' ? { status: 'ok', challengeId: 9, cadreId: 1 } : { status: 'wrong', challengeId: 9, attemptsLeft: 3 }),
    requests: { settings: () => defaultRequestSettings, lastAddress: () => null, openRequests: () => [], inHandoff: () => false, clinicOf: () => null },
    booking: { bookableCampaigns: () => [], activeBookings: () => [], booking: () => null, campaign: () => null, clinics: () => [], freeDays: () => [], freeSlots: () => [], slot: () => null, nearestFree: () => [], actingFor: () => null },
    results: { released: () => [], view: () => null },
  };
}

const texts = (r: ReturnType<typeof turn>) =>
  r.effects.flatMap((e) => (e.type === 'reply' ? e.messages.map((m) => (m.type === 'text' ? m.text : `[${m.type}]`)) : []));

describe('turn', () => {
  it('greets a follower with the menu', () => {
    const r = turn(initialState, { type: 'follow' }, 0, lookups());
    expect(texts(r)[0]).toMatch(/^Kính chào Ông\/Bà!/);
    expect(texts(r)[0]).toContain('1. Đặt lịch khám');
  });

  it('answers nothing to unfollow and to opening the chat', () => {
    expect(turn(initialState, { type: 'unfollow' }, 0, lookups()).effects).toEqual([]);
    expect(turn(initialState, { type: 'chat_opened' }, 0, lookups()).effects).toEqual([]);
  });

  it('asks an unlinked user to verify before showing results, remembering what they wanted', () => {
    const r = turn(initialState, { type: 'text', text: '2' }, 0, lookups());
    expect(r.state).toMatchObject({ flow: 'linking', step: 'choose', then: 'results' });
    expect(texts(r)[0]).toContain('xác minh tài khoản');
  });

  it('links by shared phone and carries on with the remembered request', () => {
    const asked = turn(initialState, { type: 'text', text: 'dat lich' }, 0, lookups());
    const r = turn(asked.state, { type: 'shared_info', phone: '0912345678' }, 0, lookups());
    expect(r.effects).toContainEqual({ type: 'link', cadreId: 1, method: 'phone' });
    expect(texts(r).join('\n')).toContain('Kính chào Ông Nguyễn Văn An');
  });

  it('asks "for whom?" when the user acts for several cadres', () => {
    const binh = { ...an, id: 2, fullName: 'Trần Thị Bình', sex: 'female' as const };
    const r = turn(initialState, { type: 'text', text: 'xem kết quả' }, 0, lookups({ self: an, proxyFor: [binh] }));
    expect(r.state).toMatchObject({ flow: 'chooseSubject', intent: 'results', cadreIds: [1, 2] });
    expect(texts(r)[0]).toContain('1. Bản thân (Nguyễn Văn An)');
    expect(texts(r)[0]).toContain('2. Trần Thị Bình');
  });

  it('"menu" leaves any flow', () => {
    const inFlow = ConversationState.parse({ flow: 'linking', step: 'otp', cadreId: 1 });
    expect(turn(inFlow, { type: 'text', text: 'MENU' }, 0, lookups()).state).toEqual({ flow: 'idle' });
  });
});

const arbitraryEvent: fc.Arbitrary<BotEvent> = fc.oneof(
  fc.record({ type: fc.constant('text' as const), text: fc.string({ maxLength: 300 }) }),
  fc.record({
    type: fc.constant('text' as const),
    text: fc.constantFrom('1', '2', '3', '4', '0', 'menu', 'dat lich', 'Hủy liên kết', 'HP-1', '05/09/1950', '123456', 'gửi lại mã', 'con gái'),
  }),
  fc.constantFrom<BotEvent>({ type: 'follow' }, { type: 'unfollow' }, { type: 'chat_opened' }, { type: 'attachment', kind: 'sticker' }),
  fc.record({ type: fc.constant('shared_info' as const), phone: fc.option(fc.constantFrom('0912345678', '0900000000', 'abc'), { nil: undefined }) }),
  fc.record({ type: fc.constant('location' as const), latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) }),
);

describe('turn, for any sequence of events', () => {
  it('always returns a valid state and sendable replies, and never throws', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEvent, { maxLength: 25 }), fc.boolean(), (events, linked) => {
        let state = initialState;
        const l = lookups(linked ? { self: an } : {});
        for (const event of events) {
          const r = turn(state, event, 1_767_225_600_000, l);
          expect(ConversationState.safeParse(r.state).success).toBe(true);
          for (const effect of r.effects) {
            if (effect.type !== 'reply') continue;
            for (const m of effect.messages) {
              if (m.type === 'text') {
                expect(m.text.trim().length).toBeGreaterThan(0);
                expect(m.text.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
                expect(m.buttons?.length ?? 0).toBeLessThanOrEqual(5);
              }
            }
          }
          // Every text message from the user gets an answer.
          if (event.type === 'text') expect(r.effects.some((e) => e.type === 'reply')).toBe(true);
          state = r.state;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same inputs give the same result', () => {
    fc.assert(
      fc.property(arbitraryEvent, (event) => {
        expect(turn(initialState, event, 5, lookups())).toEqual(turn(initialState, event, 5, lookups()));
      }),
    );
  });
});
