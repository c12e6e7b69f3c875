import { count, eq, inArray } from 'drizzle-orm';
import { stripDiacritics } from '../domain/shared/vietnamese';
import { normalizePhone } from '../domain/shared/phone';
import { inTransaction, type Db } from './db';
import { cadres, clinics, type CadreCategory, type HealthClass } from './schema';

/**
 * A fictional registry for the demo: three clinics in Hải Phòng style and about two hundred cadres. Every
 * name, address, phone and email is invented. A seeded PRNG makes the data the same on every machine and
 * every run; rows are keyed by their code and never overwritten, so seeding again changes nothing.
 */

const DEMO_CADRE_COUNT = 200;
/** Emails use the reserved .example domain (RFC 2606): nothing can ever reach a real mailbox. */
export const DEMO_EMAIL_DOMAIN = 'haiphong.example';

interface DemoClinic {
  code: string;
  name: string;
  address: string;
  phone: string;
  workingHours: string;
  email: string;
}

const demoClinics: readonly DemoClinic[] = [
  {
    code: 'PK-A1',
    name: 'Phòng khám Cán bộ A1 – Bệnh viện Đa khoa Sông Cấm',
    address: 'Số 12 đường Bạch Đằng, phường Hạ Lý, quận Hồng Bàng, Hải Phòng',
    phone: '0225 3 841 201',
    workingHours: 'Thứ Hai – Thứ Sáu: 7:00–11:30, 13:30–16:30; Thứ Bảy: 7:00–11:00',
    email: 'phongkham.a1@benhvien-songcam.example',
  },
  {
    code: 'PK-A2',
    name: 'Phòng khám Cán bộ A2 – Bệnh viện Hữu nghị Cầu Rào',
    address: 'Số 86 đường Thiên Lôi, phường Vĩnh Niệm, quận Lê Chân, Hải Phòng',
    phone: '0225 3 742 530',
    workingHours: 'Thứ Hai – Thứ Sáu: 7:00–16:30 (nghỉ trưa 11:30–13:30)',
    email: 'khamcanbo.a2@benhvien-caurao.example',
  },
  {
    code: 'PK-TN',
    name: 'Khoa Khám bệnh cán bộ – Trung tâm Y tế Thủy Nguyên Bắc',
    address: 'Thôn 3, xã Lưu Kiếm, huyện Thủy Nguyên, Hải Phòng',
    phone: '0225 3 675 118',
    workingHours: 'Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00',
    email: 'khoacanbo@ttyt-thuynguyenbac.example',
  },
];

export interface DemoSeedCounts {
  /** Rows in the tables after seeding. */
  clinics: number;
  cadres: number;
  /** Cadres marked too frail to come to exams. */
  frail: number;
  /** Rows this call added (0 and 0 once seeded). */
  inserted: { clinics: number; cadres: number };
}

/** mulberry32: a small, fast, seeded PRNG; enough for demo data, never for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}
const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

const surnames = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9], ['Phạm', 7], ['Hoàng', 5], ['Vũ', 5], ['Phan', 4], ['Đặng', 3],
  ['Bùi', 3], ['Đỗ', 3], ['Ngô', 2], ['Dương', 2], ['Đào', 2], ['Đinh', 2], ['Mai', 1], ['Lương', 1],
  ['Tô', 1], ['Cao', 1], ['Lý', 1], ['Hà', 1],
] as const;
const middleNames = {
  male: ['Văn', 'Văn', 'Văn', 'Đức', 'Quang', 'Minh', 'Hữu', 'Xuân', 'Đình', 'Thế', 'Công', 'Ngọc', 'Trọng', 'Bá'],
  female: ['Thị', 'Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Kim', 'Thanh', 'Hồng', 'Minh', 'Bích'],
} as const;
const givenNames = {
  male: [
    'An', 'Bình', 'Cường', 'Dũng', 'Đạt', 'Hải', 'Hùng', 'Huy', 'Khánh', 'Long', 'Minh', 'Nam', 'Phúc', 'Quân', 'Sơn',
    'Thắng', 'Thành', 'Trung', 'Tuấn', 'Việt', 'Vinh', 'Hòa', 'Toàn', 'Lâm', 'Tiến', 'Hiếu', 'Chiến', 'Thịnh', 'Khải', 'Lợi',
  ],
  female: [
    'Anh', 'Bích', 'Chi', 'Dung', 'Hà', 'Hạnh', 'Hoa', 'Hương', 'Lan', 'Liên', 'Linh', 'Mai', 'Nga', 'Ngọc', 'Nhung',
    'Oanh', 'Phương', 'Thảo', 'Thu', 'Thủy', 'Trang', 'Vân', 'Yến', 'Xuân', 'Loan', 'Huệ', 'Cúc', 'Hằng',
  ],
} as const;

const servingUnits = [
  'Văn phòng Thành ủy', 'Ban Tổ chức Thành ủy', 'Ban Tuyên giáo Thành ủy', 'Văn phòng UBND thành phố', 'Sở Y tế',
  'Sở Tài chính', 'Sở Giáo dục và Đào tạo', 'Sở Kế hoạch và Đầu tư', 'Sở Giao thông vận tải', 'Sở Nội vụ',
  'UBND quận Ngô Quyền', 'UBND quận Lê Chân', 'UBND quận Hồng Bàng', 'UBND quận Kiến An', 'UBND huyện Thủy Nguyên',
  'Hội đồng nhân dân thành phố', 'Ủy ban Kiểm tra Thành ủy',
] as const;
const districts = ['Hồng Bàng', 'Ngô Quyền', 'Lê Chân', 'Kiến An', 'Hải An', 'Dương Kinh', 'Đồ Sơn', 'Thủy Nguyên', 'An Dương'] as const;
const mobilePrefixes = ['91', '94', '88', '83', '84', '90', '93', '89', '76', '77', '96', '97', '98', '86', '32', '33', '34', '35', '36', '37', '38', '39'] as const;

/** Birth years are fixed against this year, so the data does not drift with the calendar. */
const REFERENCE_YEAR = 2026;

const categoryAges: Record<CadreCategory, [number, number]> = {
  duong_chuc: [42, 60],
  nguyen_chuc: [60, 90],
  nguoi_co_cong: [68, 96],
  khac: [55, 85],
};

function unitFor(rng: Rng, category: CadreCategory): string {
  switch (category) {
    case 'duong_chuc':
      return pick(rng, servingUnits);
    case 'nguyen_chuc':
      return `Nguyên cán bộ ${pick(rng, servingUnits)}`;
    case 'nguoi_co_cong':
      return pick(rng, [
        `Hội Cựu chiến binh quận ${pick(rng, districts)}`,
        `Thương binh, quận ${pick(rng, districts)}`,
        `Người có công với cách mạng, quận ${pick(rng, districts)}`,
      ]);
    case 'khac':
      return pick(rng, ['Hội Người cao tuổi thành phố', 'Mặt trận Tổ quốc thành phố', 'Hội Chữ thập đỏ thành phố']);
  }
}

/** "Nguyễn Văn Hùng" -> "nguyenvanhung" */
function emailSlug(fullName: string): string {
  return stripDiacritics(fullName)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

export interface DemoCadre {
  code: string;
  fullName: string;
  birthDate: string;
  sex: 'male' | 'female';
  category: CadreCategory;
  unit: string;
  phone: string | null;
  email: string | null;
  clinicCode: string;
  healthClass: HealthClass | null;
  frail: boolean;
}

/** The demo registry, generated from a fixed seed: the same list every time. */
export function demoCadres(total = DEMO_CADRE_COUNT): DemoCadre[] {
  const rng = seededRandom(20_260_115);
  const phones = new Set<string>();
  const list: DemoCadre[] = [];
  for (let i = 1; i <= total; i++) {
    const category = weighted<CadreCategory>(rng, [
      ['nguyen_chuc', 55],
      ['duong_chuc', 20],
      ['nguoi_co_cong', 20],
      ['khac', 5],
    ]);
    const sex = rng() < 0.7 ? 'male' : 'female';
    const fullName = `${weighted(rng, surnames)} ${pick(rng, middleNames[sex])} ${pick(rng, givenNames[sex])}`;
    const [minAge, maxAge] = categoryAges[category];
    const age = between(rng, minAge, maxAge);
    const month = between(rng, 1, 12);
    const day = between(rng, 1, 28);
    const birthDate = `${REFERENCE_YEAR - age}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

    // Most have a mobile phone; a few of the oldest are reached through family or the unit.
    let phone: string | null = null;
    if (rng() < (age >= 85 ? 0.75 : 0.95)) {
      do {
        phone = normalizePhone(`0${pick(rng, mobilePrefixes)}${String(between(rng, 0, 9_999_999)).padStart(7, '0')}`);
      } while (!phone || phones.has(phone));
      phones.add(phone);
    }
    const code = `CB${String(i).padStart(4, '0')}`;
    const email = rng() < (category === 'duong_chuc' ? 0.9 : 0.45) ? `${emailSlug(fullName)}.${code.toLowerCase()}@${DEMO_EMAIL_DOMAIN}` : null;
    const clinicCode = weighted(rng, [
      ['PK-A1', 45],
      ['PK-A2', 35],
      ['PK-TN', 20],
    ]);
    const frail = category !== 'duong_chuc' && rng() < (age >= 80 ? 0.3 : 0.08);
    const healthClass: HealthClass | null = frail
      ? weighted<HealthClass>(rng, [['IV', 3], ['V', 1]])
      : rng() < 0.75
        ? weighted<HealthClass>(rng, [['I', 6], ['II', 32], ['III', 42], ['IV', 17], ['V', 3]])
        : null;
    list.push({ code, fullName, birthDate, sex, category, unit: unitFor(rng, category), phone, email, clinicCode, healthClass, frail });
  }
  return list;
}

/** Inserts the demo clinics and cadres that are missing (by code); existing rows are left as they are. */
export function seedDemoData(db: Db, now: number): DemoSeedCounts {
  const registry = demoCadres();
  return inTransaction(db, (tx) => {
    const insertedClinics = tx
      .insert(clinics)
      .values(demoClinics.map((c) => ({ ...c, createdAt: now, updatedAt: now })))
      .onConflictDoNothing({ target: clinics.code })
      .returning({ id: clinics.id })
      .all().length;
    const clinicIds = new Map(
      tx
        .select({ id: clinics.id, code: clinics.code })
        .from(clinics)
        .where(inArray(clinics.code, demoClinics.map((c) => c.code)))
        .all()
        .map((c) => [c.code, c.id]),
    );
    let insertedCadres = 0;
    // SQLite caps bound parameters per statement: insert in chunks.
    for (let i = 0; i < registry.length; i += 50) {
      insertedCadres += tx
        .insert(cadres)
        .values(
          registry.slice(i, i + 50).map(({ clinicCode, ...c }) => ({ ...c, clinicId: clinicIds.get(clinicCode) ?? null, createdAt: now, updatedAt: now })),
        )
        .onConflictDoNothing({ target: cadres.code })
        .returning({ id: cadres.id })
        .all().length;
    }
    return {
      clinics: tx.select({ n: count() }).from(clinics).get()!.n,
      cadres: tx.select({ n: count() }).from(cadres).get()!.n,
      frail: tx.select({ n: count() }).from(cadres).where(eq(cadres.frail, true)).get()!.n,
      inserted: { clinics: insertedClinics, cadres: insertedCadres },
    };
  });
}
