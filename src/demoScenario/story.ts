import { and, asc, eq } from 'drizzle-orm';
import { staffActor as auditActorOf, type ActingStaff } from '../domain/staff/actor';
import { addDays } from '../domain/shared/dates';
import type { RequestPolicy } from '../domain/requests/sla';
import { vietnamDate, vietnamInstant } from '../domain/shared/quietHours';
import type { AuditActor } from '../store/audit';
import type { Db, Tx } from '../store/db';
import { demoCadres, seededRandom, type DemoCadre } from '../store/demoSeed';
import { cadres, examSlots, staffUsers, type StaffUser } from '../store/schema';
import type { DemoUserKind, DemoZaloUser } from './people';

export const DAY = 86_400_000;

export interface DemoSeedOptions {
  now: number;
  /** The request policy from config, so deadlines are those the service computes. */
  requestPolicy: RequestPolicy;
  /** Zalo templates from config (broadcasts check the names they use). */
  templates?: Record<string, string>;
}

/**
 * What every part of the demo's story works with: the seeding instant and today's local date, a seeded random
 * source, the staff by username, the registry's cadres handed out in a fixed shuffled order, and the demo users.
 */
export interface Story {
  tx: Tx;
  db: Db;
  opts: DemoSeedOptions;
  now: number;
  today: string;
  rng: () => number;
  clinicIds: Map<string, number>;
  allClinics: number[];
  coordinator: StaffUser;
  at(date: string, hour: number, minute?: number): number;
  who(username: string): StaffUser;
  asActingStaff(username: string): ActingStaff;
  actor(username: string): AuditActor;
  idOf(c: DemoCadre): number;
  /** The next `n` cadres (fitting `fit`) nobody in the story has played yet. */
  take(n: number, fit?: (c: DemoCadre) => boolean): DemoCadre[];
  user(kind: DemoUserKind): DemoZaloUser;
}

export function storyOf(tx: Tx, opts: DemoSeedOptions, users: DemoZaloUser[], clinicIds: Map<string, number>): Story {
  const { now } = opts;
  const rng = seededRandom(21_012_026);
  const staff = new Map(tx.select().from(staffUsers).all().map((s) => [s.username, s]));
  const who = (username: string) => staff.get(username)!;
  const registry = demoCadres();
  const cadreIds = new Map(tx.select({ id: cadres.id, code: cadres.code }).from(cadres).all().map((c) => [c.code, c.id]));
  const demoCodes = new Set(users.flatMap((u) => (u.cadre ? [u.cadre.code] : [])));
  // Everyone else, in a fixed shuffled order, handed out to the parts of the story as needed.
  const others = registry.filter((c) => !demoCodes.has(c.code));
  for (let i = others.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  let cursor = 0;
  const take = (n: number, fit: (c: DemoCadre) => boolean = () => true): DemoCadre[] => {
    const out: DemoCadre[] = [];
    for (let i = cursor; i < others.length && out.length < n; i++) {
      const c = others[i]!;
      if (!fit(c)) continue;
      out.push(c);
      [others[cursor], others[i]] = [others[i]!, others[cursor]!];
      cursor += 1;
    }
    return out;
  };
  return {
    tx,
    db: tx as unknown as Db,
    opts,
    now,
    today: vietnamDate(now),
    rng,
    clinicIds,
    allClinics: [...clinicIds.values()],
    coordinator: who('dieuphoi'),
    at: (date, hour, minute = 0) => vietnamInstant(date, hour, minute),
    who,
    asActingStaff: (username) => ({ id: who(username).id, role: who(username).role, clinicId: who(username).clinicId }),
    actor: (username) => auditActorOf(who(username)),
    idOf: (c) => cadreIds.get(c.code)!,
    take,
    user: (kind) => users.find((u) => u.kind === kind)!,
  };
}

/** Working days (Monday–Friday) from `from` on, including it. */
export function workingDaysFrom(from: string, count: number): string[] {
  const out: string[] = [];
  for (let d = from; out.length < count; d = addDays(d, 1)) {
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(d);
  }
  return out;
}

/** The slots of a clinic on a day of a campaign, earliest first. */
export const slotsOn = (s: Story, campaignId: number, clinicId: number, date: string) =>
  s.tx
    .select()
    .from(examSlots)
    .where(and(eq(examSlots.campaignId, campaignId), eq(examSlots.clinicId, clinicId), eq(examSlots.localDate, date)))
    .orderBy(asc(examSlots.startsAt))
    .all();

/** The demo committee classifies in Loại I–V (the default scheme). */
export type DemoClass = 'I' | 'II' | 'III' | 'IV' | 'V';
export const resultText: Record<DemoClass, { conclusions: string; diagnoses: string[]; advice: string }> = {
  I: { conclusions: 'Sức khỏe tốt, các chỉ số trong giới hạn bình thường.', diagnoses: [], advice: 'Duy trì tập thể dục đều đặn, khám định kỳ theo lịch.' },
  II: {
    conclusions: 'Sức khỏe khá; có bệnh nhẹ, không ảnh hưởng sinh hoạt.',
    diagnoses: ['Tăng huyết áp độ 1, đang điều trị ổn định'],
    advice: 'Uống thuốc huyết áp đều hằng ngày, ăn nhạt, đo huyết áp tại nhà mỗi tuần.',
  },
  III: {
    conclusions: 'Sức khỏe trung bình; cần theo dõi một số bệnh mạn tính.',
    diagnoses: ['Tăng huyết áp độ 2', 'Đái tháo đường type 2, kiểm soát chưa tốt'],
    advice: 'Giữ chế độ ăn ít đường, ít muối; đi bộ 30 phút mỗi ngày; tái khám nội tiết sau 1 tháng.',
  },
  IV: {
    conclusions: 'Sức khỏe yếu; nhiều bệnh cần điều trị và theo dõi thường xuyên.',
    diagnoses: ['Suy tim độ II', 'Bệnh phổi tắc nghẽn mạn tính', 'Thoái hóa khớp gối hai bên'],
    advice: 'Dùng thuốc đúng đơn, hạn chế đi lại một mình; gia đình theo dõi khó thở, phù chân và báo ngay cho phòng khám.',
  },
  V: {
    conclusions: 'Sức khỏe rất yếu; cần chăm sóc và điều trị đặc biệt.',
    diagnoses: ['Di chứng tai biến mạch máu não, liệt nửa người phải', 'Suy tim độ III'],
    advice: 'Cần người chăm sóc thường xuyên; bác sĩ phòng khám sẽ đến khám tại nhà hằng tháng.',
  },
};
