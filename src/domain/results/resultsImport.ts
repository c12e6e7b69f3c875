import { writeWorkbook } from '../shared/spreadsheet';
import { staffActor, type ActingStaff } from '../staff/actor';
import { foldLabel } from '../shared/vietnamese';
import { allowedCodesText, healthClassHelp, parseHealthClass, type ClassSchemeId } from './classification';
import { eq } from 'drizzle-orm';
import { AppError } from '../../errors';
import { inTransaction, type Db, type DbOrTx } from '../../store/db';
import { recordAudit } from '../../store/audit';
import { cadres, campaigns, clinics, examResults, type Campaign, type Clinic, type HealthClass } from '../../store/schema';
import { vietnamDate } from '../shared/quietHours';
import type { SheetRow } from '../registry/registryColumns';
import { parseBirthDate } from '../registry/registryCheck';
import { readRegistryFile } from '../registry/registryFile';
import { readSheetLayout, rowCells, type ImportProblem, type RowCells } from '../registry/sheetLayout';
import { may } from '../staff/permissions';
import { chainFor, checkResultInput, insertDraft, ResultInput, sameContent } from './results';

/**
 * Exam results from a spreadsheet (.xlsx or .csv, Vietnamese headers), with the registry import's rules:
 * files are read with the registry's reader, every row is checked first (a dry run writes nothing), and a
 * file is applied all at once in one transaction or not at all. Applying is idempotent: a row equal to what
 * is stored changes nothing; a changed row updates its draft, or, once released, opens a correction draft.
 * Imported results are drafts: a doctor or admin still releases them.
 */

export const resultColumns = [
  { key: 'code', header: 'Mã cán bộ', required: true, aliases: ['ma', 'ma cb', 'ma so'], help: 'Bắt buộc. Mã cán bộ như trong danh sách cán bộ.' },
  { key: 'campaign', header: 'Đợt khám', required: false, aliases: ['dot', 'dot kham suc khoe'], help: 'Tên đợt khám, hoặc năm-đợt (ví dụ 2026-1). Để trống nếu khám ngoài đợt.' },
  { key: 'examDate', header: 'Ngày khám', required: true, aliases: ['ngay kham suc khoe'], help: 'Bắt buộc, dạng dd/mm/yyyy, không ở tương lai.' },
  { key: 'clinic', header: 'Nơi khám', required: false, aliases: ['phong kham', 'benh vien', 'co so kham'], help: 'Mã hoặc đúng tên phòng khám/bệnh viện.' },
  { key: 'healthClass', header: 'Phân loại sức khỏe', required: false, aliases: ['loai suc khoe', 'phan loai', 'xep loai'], help: 'Mã phân loại đang dùng (xem dưới); để trống nếu chưa phân loại.' },
  { key: 'conclusions', header: 'Kết luận', required: false, aliases: ['ket luan chinh', 'ket luan cua bac si'], help: 'Kết luận chính của bác sĩ.' },
  { key: 'diagnoses', header: 'Chẩn đoán', required: false, aliases: ['chan doan benh'], help: 'Mỗi chẩn đoán một dòng (xuống dòng trong ô) hoặc cách nhau bằng dấu chấm phẩy.' },
  { key: 'advice', header: 'Lời khuyên', required: false, aliases: ['loi dan', 'de nghi', 'tu van'], help: 'Lời khuyên cho cán bộ.' },
  { key: 'followUp', header: 'Khám lại', required: false, aliases: ['can kham lai', 'hen kham lai'], help: 'Có hoặc Không (để trống là Không).' },
  { key: 'followUpWhere', header: 'Nơi khám lại', required: false, aliases: ['kham lai tai'], help: 'Bắt buộc khi Khám lại là Có.' },
  { key: 'signedBy', header: 'Bác sĩ ký', required: false, aliases: ['bac si', 'bac si ket luan', 'nguoi ky'], help: 'Họ tên bác sĩ ký kết luận.' },
] as const;

type ResultColumnKey = (typeof resultColumns)[number]['key'];
const headerOf = (key: ResultColumnKey) => resultColumns.find((c) => c.key === key)!.header;

const headerIndex = new Map<string, ResultColumnKey>();
for (const col of resultColumns) for (const name of [col.header, ...col.aliases]) headerIndex.set(foldLabel(name), col.key);
const matchHeader = (label: string) => headerIndex.get(foldLabel(label).replace(/[*:.]+$/, '').trim());

const yes = new Set(['co', 'x', '1', 'true', 'yes']);
const no = new Set(['khong', '0', 'false', 'no', '']);

/** One checked row, ready to apply. */
interface ResultRecord {
  rowNumber: number;
  code: string;
  cadreId: number;
  input: ResultInput;
}

interface ResultsCheck {
  records: ResultRecord[];
  problems: ImportProblem[];
  rowCount: number;
  ignoredHeaders: string[];
}

interface ResultsCheckContext {
  /** Every cadre by lower-cased code; `inScope` says whether the importing staff member may enter their results. */
  cadreByCode: Map<string, { id: number; clinicId: number | null; inScope: boolean }>;
  /** For clinic_staff: the only clinic their rows may name (and their cadres' clinic); null for committee roles. */
  clinicScope: number | null;
  clinics: Clinic[];
  campaigns: Campaign[];
  today: string;
  /** The committee's classification scheme: a row's class must be one of its codes. */
  classScheme: ClassSchemeId;
  db: DbOrTx;
}

/** What checking needs from the database, for the staff member's scope (clinic_staff: their clinic's cadres). */
function resultsCheckContext(db: DbOrTx, staff: ActingStaff, today: string, classScheme: ClassSchemeId = 'I-V'): ResultsCheckContext {
  const rows = db.select({ id: cadres.id, code: cadres.code, clinicId: cadres.clinicId }).from(cadres).all();
  const clinicScope = staff.role === 'clinic_staff' ? (staff.clinicId ?? -1) : null;
  return {
    cadreByCode: new Map(rows.map((r) => [r.code.toLowerCase(), { id: r.id, clinicId: r.clinicId, inScope: clinicScope === null || r.clinicId === clinicScope }])),
    clinicScope,
    clinics: db.select().from(clinics).all(),
    campaigns: db.select().from(campaigns).all(),
    today,
    classScheme,
    db,
  };
}

function findCampaign(list: Campaign[], label: string): Campaign | undefined {
  const f = foldLabel(label);
  const byName = list.find((c) => foldLabel(c.name) === f);
  if (byName) return byName;
  const m = /^(?:dot\s*)?(\d)\s*[/\-.]\s*(\d{4})$/.exec(f) ?? null;
  if (m) return list.find((c) => c.round === Number(m[1]) && c.year === Number(m[2]));
  const m2 = /^(\d{4})\s*[/\-.]\s*(?:dot\s*)?(\d)$/.exec(f);
  if (m2) return list.find((c) => c.year === Number(m2[1]) && c.round === Number(m2[2]));
  if (/^\d+$/.test(f)) return list.find((c) => c.id === Number(f));
  return undefined;
}

interface ResultRowContext extends ResultsCheckContext {
  clinicByCode: Map<string, number>;
  clinicByName: Map<string, number>;
  /** Cadre and campaign (or exam day) already read, with the row they were first on. */
  seen: Map<string, number>;
}

/** The cells that name things: the cadre, the exam date, the campaign, the clinic and the class. */
function namedCells({ raw, value, bad }: RowCells<ResultColumnKey>, ctx: ResultRowContext) {
  const { clinicByCode, clinicByName } = ctx;
  const code = value('code');
  const known = code ? ctx.cadreByCode.get(code.toLowerCase()) : undefined;
  const cadre = known?.inScope ? known : undefined;
  if (!code) bad('code', 'Thiếu mã cán bộ.');
  else if (!known) bad('code', `Không có cán bộ mã “${code}”.`);
  else if (!cadre) bad('code', `Cán bộ mã “${code}” không đăng ký tại phòng khám của bạn; chỉ nhập kết quả của cán bộ thuộc phòng khám mình.`);

  let examDate = '';
  if (!value('examDate')) bad('examDate', 'Thiếu ngày khám.');
  else {
    examDate = parseBirthDate(raw('examDate'), ctx.today) ?? '';
    if (!examDate) bad('examDate', `Ngày khám không hợp lệ hoặc ở tương lai: “${value('examDate')}”. Dùng dạng dd/mm/yyyy.`);
  }

  let campaignId: number | null = null;
  const campaignLabel = value('campaign');
  if (campaignLabel) {
    const found = findCampaign(ctx.campaigns, campaignLabel);
    if (!found) bad('campaign', `Không tìm thấy đợt khám “${campaignLabel}”; ghi đúng tên đợt hoặc năm-đợt (ví dụ 2026-1).`);
    else campaignId = found.id;
  }

  let clinicId: number | null = null;
  const clinicLabel = value('clinic');
  if (clinicLabel) {
    const id = clinicByCode.get(clinicLabel.toLowerCase()) ?? clinicByName.get(foldLabel(clinicLabel));
    if (id === undefined) bad('clinic', `Không tìm thấy nơi khám “${clinicLabel}”; ghi mã hoặc đúng tên phòng khám.`);
    else if (ctx.clinicScope !== null && id !== ctx.clinicScope) bad('clinic', `Nơi khám “${clinicLabel}” không phải phòng khám của bạn.`);
    else clinicId = id;
  } else if (ctx.clinicScope !== null) clinicId = ctx.clinicScope;

  let healthClass: HealthClass | null = null;
  const classLabel = value('healthClass');
  if (classLabel) {
    const cls = parseHealthClass(classLabel, ctx.classScheme);
    if (!cls) bad('healthClass', `Phân loại sức khỏe “${classLabel}” không hợp lệ; ghi một trong ${allowedCodesText(ctx.classScheme)} hoặc để trống.`);
    else healthClass = cls;
  }

  return { code, cadre, examDate, campaignId, clinicId, healthClass };
}

/** The result as entered, checked as a form would check it; problems named by the cell they come from. */
function resultInputOf({ value, bad }: RowCells<ResultColumnKey>, named: ReturnType<typeof namedCells>, ctx: ResultRowContext) {
  const { examDate, clinicId, campaignId, healthClass } = named;
  let followUp = false;
  const followLabel = foldLabel(value('followUp'));
  if (yes.has(followLabel)) followUp = true;
  else if (!no.has(followLabel)) bad('followUp', `“${value('followUp')}” không hợp lệ; ghi “Có” hoặc “Không”.`);

  const diagnoses = value('diagnoses')
    .split(/\r?\n|;/)
    .map((d) => d.trim().replace(/^[-•+]\s*/, ''))
    .filter(Boolean);

  const parsed = ResultInput.safeParse({
    examDate: examDate || '2000-01-01',
    clinicId,
    campaignId,
    healthClass,
    conclusions: value('conclusions'),
    diagnoses,
    advice: value('advice'),
    followUp,
    followUpWhere: value('followUpWhere'),
    signedBy: value('signedBy'),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = (issue.path[0] === 'diagnoses' ? 'diagnoses' : issue.path[0]) as ResultColumnKey;
      bad(resultColumns.some((c) => c.key === key) ? key : '', issue.message);
    }
  } else if (examDate) {
    for (const p of checkResultInput(ctx.db, parsed.data, ctx.today)) {
      if (p.field === 'clinicId' || p.field === 'campaignId') continue; // already checked above, with the cell's text
      if (p.field === 'examDate') {
        if (campaignId !== null && p.message.includes('ngoài thời gian')) bad('examDate', p.message);
        continue; // an invalid or future date was reported above
      }
      bad(p.field === 'followUpWhere' ? 'followUpWhere' : '', p.message);
    }
  }
  return parsed;
}

/**
 * Finds the header row (the first of the first rows with a "Mã cán bộ" column) and checks every row.
 * Returns the good rows and every problem; a file is applied only when there are none.
 */
function checkResultRows(rows: SheetRow[], ctx: ResultsCheckContext): ResultsCheck {
  const layout = readSheetLayout(rows, resultColumns, matchHeader);
  if ('missingHeader' in layout) return { records: [], problems: [layout.missingHeader], rowCount: 0, ignoredHeaders: [] };
  const { positions, ignoredHeaders, dataRows, problems } = layout;
  if (problems.length) return { records: [], problems, rowCount: dataRows.length, ignoredHeaders };

  const rowCtx: ResultRowContext = {
    ...ctx,
    clinicByCode: new Map(ctx.clinics.map((c) => [c.code.trim().toLowerCase(), c.id])),
    clinicByName: new Map(ctx.clinics.map((c) => [foldLabel(c.name), c.id])),
    seen: new Map<string, number>(),
  };
  const records: ResultRecord[] = [];
  for (const row of dataRows) {
    const before = problems.length;
    const cells = rowCells(row, positions, problems, headerOf);
    const { bad } = cells;
    const named = namedCells(cells, rowCtx);
    const { code, cadre, examDate, campaignId, clinicId } = named;
    const parsed = resultInputOf(cells, named, rowCtx);
    const seen = rowCtx.seen;
    if (cadre && examDate) {
      const key = `${cadre.id}|${campaignId ?? `d${examDate}`}`;
      const first = seen.get(key);
      if (first !== undefined) bad('code', `Dòng này trùng cán bộ và đợt khám (hoặc ngày khám) với dòng ${first}.`);
      else seen.set(key, row.rowNumber);
    }
    if (problems.length === before && cadre && parsed.success) {
      records.push({ rowNumber: row.rowNumber, code, cadreId: cadre.id, input: { ...parsed.data, clinicId, examDate } });
    }
  }
  return { records, problems, rowCount: dataRows.length, ignoredHeaders };
}

// --- applying ---------------------------------------------------------------------------------------------

interface ResultImportCounts {
  created: number;
  updated: number;
  corrections: number;
  unchanged: number;
}

type Plan = { record: ResultRecord; action: 'create' | 'update' | 'correct' | 'unchanged'; targetId?: number; chainId?: number; version?: number };

function plan(db: DbOrTx, records: ResultRecord[]): Plan[] {
  return records.map((record) => {
    const versions = chainFor(db, record.cadreId, record.input.campaignId, record.input.examDate);
    const latest = versions[0];
    if (!latest) return { record, action: 'create' };
    if (sameContent(latest, record.input)) return { record, action: 'unchanged' };
    if (latest.status === 'draft') return { record, action: 'update', targetId: latest.id };
    const released = versions.find((v) => v.status === 'released') ?? latest;
    return { record, action: 'correct', targetId: released.id, chainId: latest.chainId, version: latest.version + 1 };
  });
}

function tally(plans: Plan[]): ResultImportCounts {
  const counts: ResultImportCounts = { created: 0, updated: 0, corrections: 0, unchanged: 0 };
  for (const p of plans) {
    if (p.action === 'create') counts.created++;
    else if (p.action === 'update') counts.updated++;
    else if (p.action === 'correct') counts.corrections++;
    else counts.unchanged++;
  }
  return counts;
}

/** What applying would do, without writing. */
function previewResultsImport(db: DbOrTx, records: ResultRecord[]): ResultImportCounts {
  return tally(plan(db, records));
}

/** Writes every record inside the caller's transaction (drafts only; nothing is released), with one audit row. */
function applyResultsImport(tx: DbOrTx, staff: ActingStaff, records: ResultRecord[], fileName: string, now: number): ResultImportCounts {
  const plans = plan(tx, records);
  for (const p of plans) {
    const { input, cadreId } = p.record;
    if (p.action === 'create') insertDraft(tx, staff.id, cadreId, input, 'import', now);
    else if (p.action === 'update') {
      tx.update(examResults).set({ ...input, source: 'import', enteredByStaffId: staff.id, updatedAt: now }).where(eq(examResults.id, p.targetId!)).run();
    } else if (p.action === 'correct') {
      tx.insert(examResults)
        .values({ ...input, chainId: p.chainId!, version: p.version!, correctsId: p.targetId!, cadreId, source: 'import', enteredByStaffId: staff.id, createdAt: now, updatedAt: now })
        .run();
    }
  }
  const counts = tally(plans);
  recordAudit(tx, staffActor(staff), { action: 'result.import', entity: 'exam_result', detail: { fileName, rows: records.length, ...counts } }, now);
  return counts;
}

// --- the template -----------------------------------------------------------------------------------------

/** The blank import template: the header row, and a sheet explaining each column (with the known codes). */
export async function resultsTemplate(opts: { clinics: Clinic[]; campaigns: Campaign[]; classScheme?: ClassSchemeId }): Promise<Buffer> {
  const long = new Set<string>(['conclusions', 'diagnoses', 'advice']);
  const help = resultColumns.map((c) => {
    let note: string = c.help;
    if (c.key === 'healthClass') note += ` ${healthClassHelp(opts.classScheme ?? 'I-V')}`;
    if (c.key === 'clinic' && opts.clinics.length) note += ` Mã: ${opts.clinics.map((x) => x.code).join(', ')}.`;
    if (c.key === 'campaign' && opts.campaigns.length) note += ` Các đợt: ${opts.campaigns.map((x) => `${x.name} (${x.year}-${x.round})`).join('; ')}.`;
    return [c.header, note];
  });
  return writeWorkbook([
    {
      name: 'Kết quả khám',
      columns: resultColumns.map((c) => ({ header: c.header, width: long.has(c.key) ? 40 : c.key === 'followUpWhere' || c.key === 'clinic' ? 28 : 16, wrap: long.has(c.key) })),
      rows: [],
    },
    {
      name: 'Hướng dẫn',
      columns: [{ header: 'Cột', width: 24 }, { header: 'Cách ghi', width: 100, wrap: true }],
      rows: [
        ...help,
        [
          'Lưu ý',
          'Hệ thống kiểm tra mọi dòng trước; chỉ ghi khi không còn lỗi nào, và ghi tất cả cùng lúc. Nhập lại cùng tệp không tạo bản trùng. Kết quả nhập vào là bản nháp: bác sĩ hoặc quản trị phải công bố thì cán bộ mới xem được.',
        ],
      ],
    },
  ]);
}

// --- one call for pages and API -----------------------------------------------------------------------------

export interface ResultsImportOutcome {
  fileName: string;
  check: ResultsCheck;
  counts: ResultImportCounts;
  applied: boolean;
}

/**
 * Reads and checks a file for the staff member's scope; with `apply`, writes it all in one transaction, or
 * nothing when any row is wrong. Without `apply` it is a dry run: the counts say what would happen.
 */
export async function importResultsFile(
  db: Db,
  staff: ActingStaff,
  bytes: Uint8Array,
  fileName: string,
  apply: boolean,
  now: () => number,
  classScheme: ClassSchemeId = 'I-V',
): Promise<ResultsImportOutcome> {
  if (!may(staff.role, ['results', 'enter'])) throw new AppError('forbidden', 'Tài khoản của bạn không được nhập kết quả.');
  const rows = await readRegistryFile(bytes, fileName);
  // From here on everything is synchronous: what was checked is what gets written.
  const at = now();
  const check = checkResultRows(rows, resultsCheckContext(db, staff, vietnamDate(at), classScheme));
  if (!apply || check.problems.length) return { fileName, check, counts: previewResultsImport(db, check.records), applied: false };
  const counts = inTransaction(db, (tx) => applyResultsImport(tx, staff, check.records, fileName, at));
  return { fileName, check, counts, applied: true };
}
