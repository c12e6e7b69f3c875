import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookingInfo, CampaignInfo, ClinicInfo, SlotInfo } from '../domain/booking/lookups';
import { defaultRequestSettings } from '../domain/requests/requestChat';
import type { ResultView } from '../domain/results/resultsInChat';
import { vietnamInstant } from '../domain/shared/quietHours';
import { setCommitteeWord } from '../domain/shared/organisation';
import type { BotEvent } from '../conversation/events';
import { fitMessages, fitsZalo, ZALO_BUTTON_TITLE_LIMIT, ZALO_MAX_BUTTONS, type OutMessage } from '../conversation/messages';
import { t, linkingText } from './catalog';
import { bookingText } from './flows/booking';
import { handoffChatText } from './flows/handoff';
import { requestText } from './flows/requests';
import { resultsText } from './flows/results';
import type { CadreSummary, Identity, Lookups } from './lookups';
import { ConversationState, initialState } from './state';
import { turn } from './turn';

/**
 * Every message the bot can build fits Zalo's limits (text length, button count, button title length): the
 * flows are driven through a world with long names, many days, many results and many cadres, and every reply
 * they build is checked as built and as stored.
 */

// The longest kind of organisation ("Trung tâm"), so every text and button naming it is checked at its longest.
beforeAll(() => setCommitteeWord('Trung tâm'));
afterAll(() => setCommitteeWord('Ban'));

const LONG = 'Bệnh viện Đa khoa Quốc tế Hải Phòng – cơ sở Lạch Tray, khu khám cán bộ cao cấp';
const NOW = Date.parse('2026-03-02T01:00:00Z');

const cadre = (id: number, extra: Partial<CadreSummary> = {}): CadreSummary => ({
  id,
  code: `HP-${String(id).padStart(5, '0')}`,
  fullName: `Nguyễn Thị Phương Thảo Hoàng Lan Số ${id}`,
  sex: id % 2 ? 'female' : 'male',
  clinicId: 1,
  frail: id === 3,
  maskedEmail: id === 4 ? null : 'n***@example.vn',
  ...extra,
});

function world(identity: Partial<Identity>): Lookups {
  const id: Identity = { self: null, proxyFor: [], pendingProxyCadreIds: [], displayName: 'Người nhà có tên rất dài', ...identity };
  const clinics: ClinicInfo[] = [1, 2, 3, 4, 5, 6].map((i) => ({ id: i, name: `${LONG} ${i}`, address: `${i} ${LONG}`, phone: '0225 3 700 700' }));
  const campaigns: CampaignInfo[] = [1, 2, 3].map((i) => ({
    id: i,
    name: `Khám sức khỏe định kỳ đợt ${i} năm 2026 cho cán bộ nguyên chức và người có công`,
    year: 2026,
    round: i,
    startDate: '2026-03-02',
    endDate: '2026-06-30',
    instructions: 'Nhịn ăn sáng, mang theo sổ y bạ và thẻ bảo hiểm y tế. '.repeat(3),
  }));
  const days = Array.from({ length: 60 }, (_, i) => new Date(Date.parse('2026-03-03T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10));
  const slotsOf = (campaignId: number, clinicId: number, date: string): SlotInfo[] =>
    Array.from({ length: 16 }, (_, k) => {
      const startsAt = vietnamInstant(date, 7 + Math.floor(k / 2), (k % 2) * 30);
      return { id: Number(date.replace(/-/g, '')) * 100 + k, campaignId, clinicId, localDate: date, startsAt, endsAt: startsAt + 1_800_000, free: 2 };
    });
  const slotById = (sid: number) => {
    const d = String(Math.floor(sid / 100));
    return slotsOf(1, 1, `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`)[sid % 100] ?? null;
  };
  const booking: BookingInfo = { id: 1, cadreId: 1, status: 'booked', campaign: campaigns[0]!, clinic: clinics[0]!, slot: slotsOf(1, 1, days[3]!)[12]! };
  const results: ResultView[] = Array.from({ length: 14 }, (_, i) => ({
    id: 100 + i,
    cadreId: 1,
    examDate: `20${String(25 - i).padStart(2, '0')}-03-10`,
    clinicName: LONG,
    version: 1 + (i % 2),
    healthClass: 'III',
    conclusions: 'Kết luận dài. '.repeat(120),
    diagnoses: Array.from({ length: 20 }, (_, k) => `Chẩn đoán số ${k} ${LONG}`),
    advice: 'Lời khuyên. '.repeat(60),
    followUp: true,
    followUpWhere: LONG,
    signedBy: 'BS. Phạm Thu Hà',
  }));
  return {
    committeeName: 'Ban Bảo vệ, chăm sóc sức khỏe cán bộ Thành ủy Hải Phòng',
    hotline: '0225 3 123 456',
    requestInfoImageUrl: 'https://example.test/share.png',
    identity: () => id,
    cadreById: (cid) => cadre(cid),
    activeCadresByPhone: (p) => (p === '84912345678' ? [cadre(1)] : p === '84900000000' ? [cadre(1), cadre(2)] : []),
    cadreByCodeAndBirthDate: (code) => (code.startsWith('HP-') ? cadre(Number(code.slice(3)) || 1) : null),
    otpSentCounts: () => ({ userLastHour: 0, cadreLastDay: 0 }),
    verificationFailures: () => ({ userLastDay: 0, codeLastDay: 0 }),
    linkedElsewhere: () => false,
    checkOtp: (code) => (code === '123456' ? { status: 'ok', challengeId: 9, cadreId: 1 } : { status: 'wrong', challengeId: 9, attemptsLeft: 3 }),
    requests: {
      settings: () => defaultRequestSettings,
      lastAddress: () => `Số 12 ngõ 34 ${LONG}`,
      openRequests: () =>
        Array.from({ length: 30 }, (_, i) => ({ id: i + 1, type: 'home_visit' as const, state: 'scheduled' as const, cadreId: 1, createdAt: NOW, scheduledDate: '2026-03-05', scheduledTime: 'morning' as const, handlerName: LONG })),
      inHandoff: () => false,
      clinicOf: () => ({ name: LONG, phone: '0225 3 700 700' }),
    },
    booking: {
      bookableCampaigns: () => campaigns,
      activeBookings: (cid) => (cid === 1 ? [booking, { ...booking, id: 2 }] : []),
      booking: (bid) => (bid <= 2 ? { ...booking, id: bid } : null),
      campaign: (cid) => campaigns.find((c) => c.id === cid) ?? null,
      clinics: () => clinics,
      freeDays: (_c, _k, limit) => days.slice(0, limit).map((date) => ({ date, free: 32 })),
      freeSlots: (c, k, date) => slotsOf(c, k, date),
      slot: slotById,
      nearestFree: (c, k, _around, limit) => slotsOf(c, k, days[1]!).slice(0, limit),
      actingFor: (cid) => cadre(cid),
    },
    results: {
      released: () => results.map((r) => ({ id: r.id, examDate: r.examDate, clinicName: r.clinicName })),
      view: (_cid, rid) => results.find((r) => r.id === rid) ?? null,
    },
  };
}

const words = [
  '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'menu', 'đặt lịch khám', 'đổi lịch', 'hủy lịch', 'lịch của tôi', 'xem kết quả',
  'Các lần khám trước', 'khám tại nhà', 'thuốc', 'sổ y bạ', 'hỏi bác sĩ', 'yêu cầu của tôi', 'yêu cầu khác', 'gặp nhân viên',
  'hủy liên kết', 'liên kết', 'HP-00001', 'HP-00004', '05/09/1950', '123456', '000000', 'gửi lại mã', 'con gái', 'mai', 'thứ 5',
  '15/12', '05/03', '2 giờ chiều', '7:30', 'vâng', 'được', 'không', 'Xác nhận', 'Bận việc', 'sớm nhất', 'Buổi sáng', 'Gấp, cần trong ngày',
  'Gửi yêu cầu', 'tôi không nhớ mã', 'phòng khám ở đâu', 'giờ làm việc', 'thêm ngày', 'kết thúc', 'dừng nhận tin', 'nhận tin lại',
];
const event: fc.Arbitrary<BotEvent> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...words).map((text): BotEvent => ({ type: 'text', text })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 2500 }).map((text): BotEvent => ({ type: 'text', text })) },
  { weight: 1, arbitrary: fc.constantFrom<BotEvent>({ type: 'follow' }, { type: 'attachment', kind: 'sticker' }, { type: 'shared_info', phone: '0912345678' }, { type: 'location', latitude: 20.8, longitude: 106.7 }) },
);

function checkBuilt(messages: OutMessage[]) {
  for (const m of messages) {
    if (m.type !== 'text') continue;
    expect(m.text.trim().length).toBeGreaterThan(0);
    expect(m.buttons?.length ?? 0).toBeLessThanOrEqual(ZALO_MAX_BUTTONS);
    for (const b of m.buttons ?? []) expect(b.title.length).toBeLessThanOrEqual(ZALO_BUTTON_TITLE_LIMIT);
  }
  // As stored in the outbox (what the send job reads): every part within every limit.
  for (const m of fitMessages(messages)) expect(fitsZalo(m), JSON.stringify(m).slice(0, 300)).toBe(true);
}

describe('Zalo limits by construction', () => {
  it('every reply the flows build, in any state, for the cadre, a proxy of many, or an unlinked user', () => {
    const people: Partial<Identity>[] = [
      { self: cadre(1) },
      { self: cadre(1), proxyFor: [2, 3, 4, 5, 6, 7, 8].map((i) => cadre(i)) },
      { proxyFor: [cadre(3)] },
      {},
    ];
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 30 }), fc.constantFrom(...people), (events, who) => {
        const l = world(who);
        let state: ConversationState = initialState;
        for (const e of events) {
          const r = turn(state, e, NOW, l);
          for (const effect of r.effects) if (effect.type === 'reply') checkBuilt(effect.messages);
          state = r.state;
        }
      }),
      { numRuns: 400 },
    );
  });

  // fitButtons shortens any title over the limit as the message is built, so the checks above always see short
  // titles: a label the flows write themselves ("Chia sẻ số điện thoại") reached the user cut, and nothing failed.
  // Here a title that had to be cut fails, unless it carries data (a person's, clinic's or campaign's name).
  it('no label a flow writes itself is cut to fit a button: every reply after one and after two messages, for everyone', () => {
    const people: Partial<Identity>[] = [
      { self: cadre(1) },
      { self: cadre(1), proxyFor: [cadre(2)] },
      { proxyFor: [cadre(3)] },
      {},
      { pendingProxyCadreIds: [5] },
    ];
    const isData = (payload: string) => /Nguyễn Thị Phương|Bệnh viện Đa khoa|Khám sức khỏe định kỳ|Người nhà có tên/.test(payload);
    const cut = new Set<string>();
    let buttons = 0;
    const look = (effects: ReturnType<typeof turn>['effects']) => {
      for (const effect of effects) {
        if (effect.type !== 'reply') continue;
        for (const m of effect.messages) {
          if (m.type !== 'text') continue;
          for (const b of m.buttons ?? []) {
            buttons++;
            if (b.title !== b.payload.normalize('NFC').replace(/\s+/g, ' ').trim() && !isData(b.payload)) cut.add(`${b.title} ← ${b.payload}`);
          }
        }
      }
    };
    const firsts: BotEvent[] = [...words.map((text): BotEvent => ({ type: 'text', text })), { type: 'follow' }, { type: 'attachment', kind: 'image' }];
    for (const who of people) {
      const l = world(who);
      for (const first of firsts) {
        const one = turn(initialState, first, NOW, l);
        look(one.effects);
        for (const text of words) look(turn(one.state, { type: 'text', text }, NOW, l).effects);
      }
    }
    expect(buttons).toBeGreaterThan(1000);
    expect([...cut]).toEqual([]);
  });

  it('every text of the catalogs, with long values filled in, fits one message or is split into parts that do', () => {
    const long = `${LONG} ${LONG}`;
    const catalogs = [t, linkingText, bookingText, resultsText, requestText, handoffChatText] as Record<string, unknown>[];
    const ctx = { committeeName: long, hotline: '0225 3 123 456', requestInfoImageUrl: 'x' };
    let seen = 0;
    for (const catalog of catalogs) {
      for (const value of Object.values(catalog)) {
        const texts: string[] = [];
        if (typeof value === 'string') texts.push(value);
        else if (Array.isArray(value)) texts.push(...value.filter((v): v is string => typeof v === 'string'));
        else if (typeof value === 'function') {
          const args = Array.from({ length: value.length }, (_, i) => (i === 0 && value.length === 1 ? long : i === 0 ? 'Ông' : long));
          // Texts take names, counts or the catalog context; those taking a domain object are built by the flows above.
          for (const attempt of [args, [ctx], [3, long]]) {
            try {
              const out = (value as (...a: unknown[]) => unknown)(...attempt);
              if (typeof out === 'string') {
                texts.push(out);
                break;
              }
            } catch {
              /* not this shape */
            }
          }
        }
        for (const text of texts) {
          seen++;
          expect(text.length).toBeLessThanOrEqual(1000);
          checkBuilt([{ type: 'text', text: text || '-' }]);
        }
      }
    }
    expect(seen).toBeGreaterThan(100);
  });

  it('fitMessages splits long texts, caps buttons at five and shortens titles at a word', () => {
    const parts = fitMessages([{ type: 'text', text: `${'a'.repeat(1500)}\n${'b'.repeat(1500)}`, buttons: Array.from({ length: 7 }, (_, i) => ({ title: `${LONG} ${i}`, payload: `${LONG} ${i}` })) }]);
    expect(parts).toHaveLength(2);
    expect(parts[0]).not.toHaveProperty('buttons');
    const last = parts[1] as Extract<OutMessage, { type: 'text' }>;
    expect(last.buttons).toHaveLength(5);
    expect(last.buttons![0]).toEqual({ title: 'Bệnh viện Đa khoa…', payload: `${LONG} 0` });
    expect(parts.every(fitsZalo)).toBe(true);
  });
});
