import { desc, eq, inArray } from 'drizzle-orm';
import { AppError } from '../../errors';
import { z } from 'zod';
import type { DbOrTx } from '../../store/db';
import { bookings, cadres, campaigns, careRequests, clinics, examSlots, noticeTemplates, type NoticeTemplate, type TemplateParam } from '../../store/schema';
import { formatVietnamDay, formatVietnamTime, parseVietnameseDate } from '../shared/dates';
import { requestStateLabels, requestTypeLabels, ticketOf } from '../requests/labels';
import { CONFIRM_CHOICES, CONFIRM_TEMPLATE } from '../attendance/checkIn';
import { committeeWord } from '../shared/organisation';

/** Zalo accepts by user id only templates approved from this date; older ones go by phone only (ZALO.md §7). */
export const TEMPLATE_BY_USER_SINCE = '2025-12-10';

/** A value our notices can put into a template parameter. */
interface TemplateSource {
  key: string;
  label: string;
}

/**
 * A CTA button registered with the template at Zalo (at most 4, ZALO.md §7). Template buttons open something:
 * a link, a phone call or the OA's chat; unlike the OA menu they send no text back, so an answer is typed.
 */
export interface TemplateButton {
  title: string;
  opens: 'oa_chat' | 'url' | 'phone';
}

export const TEMPLATE_BUTTON_OPENS: Record<TemplateButton['opens'], string> = {
  get oa_chat() {
    return `mở khung chat với ${committeeWord()} (loại nút "Đến trang OA / Nhắn tin")`;
  },
  url: 'mở đường dẫn',
  phone: 'gọi điện',
};

/** A button opening the OA's chat, titled with the organisation's kind when the template is shown (set at start). */
const ownChatButton = (verb: string): TemplateButton => ({
  get title() {
    return `${verb} ${committeeWord()}`;
  },
  opens: 'oa_chat',
});

/** One kind of notice that can go as a Zalo template: its template name and the values it offers. */
export interface TemplateKind {
  name: string;
  label: string;
  sources: TemplateSource[];
  /** The buttons to register with the template. */
  buttons?: TemplateButton[];
  /** Words the body must carry (the answers a cadre types), with why. */
  mustSay?: { words: string[]; why: string };
}

const name: TemplateSource = { key: 'name', label: 'Họ tên cán bộ' };

/** Every notice that can go as a Zalo template, with the values each offers (what the notice renderers put in `template.data`). */
const TEMPLATE_KINDS: TemplateKind[] = [
  {
    name: 'booking_reminder',
    label: 'Nhắc lịch khám',
    sources: [name, { key: 'date', label: 'Ngày khám' }, { key: 'time', label: 'Giờ khám' }, { key: 'clinic', label: 'Phòng khám' }],
  },
  {
    name: CONFIRM_TEMPLATE,
    label: 'Nhắc lịch ngày mai, hỏi xác nhận (1 Sẽ đến · 2 Đổi lịch · 3 Không đến được)',
    sources: [name, { key: 'date', label: 'Ngày khám' }, { key: 'time', label: 'Giờ khám' }, { key: 'clinic', label: 'Phòng khám' }],
    buttons: [ownChatButton('Trả lời')],
    mustSay: {
      words: CONFIRM_CHOICES.map((c, i) => `${i + 1} ${c}`),
      why: 'nút của mẫu tin chỉ mở khung chat, không gửi được câu trả lời: nội dung phải hướng dẫn nhắn số',
    },
  },
  { name: 'result_released', label: 'Đã có kết quả khám', sources: [name] },
  {
    name: 'campaign_invitation',
    label: 'Mời đặt lịch khám (gửi theo số điện thoại)',
    sources: [name, { key: 'campaign', label: 'Tên đợt khám' }, { key: 'until', label: 'Hạn đặt lịch' }],
    buttons: [ownChatButton('Nhắn tin cho')],
  },
  {
    name: 'booking_nudge',
    label: 'Nhắc đặt lịch khám',
    sources: [name, { key: 'campaign', label: 'Tên đợt khám' }, { key: 'until', label: 'Hạn đặt lịch' }],
  },
  {
    name: 'request_update',
    label: 'Cập nhật yêu cầu',
    sources: [name, { key: 'ticket', label: 'Mã yêu cầu' }, { key: 'request', label: 'Loại yêu cầu' }, { key: 'status', label: 'Trạng thái' }],
  },
  {
    name: 'visit_scheduled',
    label: 'Lịch khám tại nhà / lịch hẹn',
    sources: [name, { key: 'ticket', label: 'Mã yêu cầu' }, { key: 'request', label: 'Loại yêu cầu' }, { key: 'date', label: 'Ngày hẹn' }],
  },
];

export const templateKindOf = (templateName: string) => TEMPLATE_KINDS.find((k) => k.name === templateName);

/** An approved Zalo template for one template name of our notices, and how Zalo lets it be sent. */
export interface ResolvedTemplate {
  name: string;
  templateId: string;
  byUserId: boolean;
  byPhone: boolean;
  /** Zalo's parameter names and the value each takes; empty: our value names are sent as they are. */
  params: TemplateParam[];
}

/**
 * The approved template for `name`: the one staff set on the templates page, else the configured id
 * (ZALO_TEMPLATES, approval date unknown: both ways are tried). Null when none is approved.
 */
export function resolveTemplate(db: DbOrTx, configured: Record<string, string>, templateName: string): ResolvedTemplate | null {
  const row = db.select().from(noticeTemplates).where(eq(noticeTemplates.name, templateName)).get();
  if (row) {
    if (row.status !== 'approved') return null;
    return {
      name: templateName,
      templateId: row.templateId,
      byUserId: row.approvedOn === null || row.approvedOn >= TEMPLATE_BY_USER_SINCE,
      byPhone: true,
      params: row.params,
    };
  }
  const id = configured[templateName];
  return id ? { name: templateName, templateId: id, byUserId: true, byPhone: true, params: [] } : null;
}

/** The template data Zalo gets: each of its parameters filled from the value staff mapped to it. */
export function templateData(template: ResolvedTemplate, values: Record<string, string>): Record<string, string> {
  if (!template.params.length) return values;
  return Object.fromEntries(template.params.map((p) => [p.param, values[p.source] ?? '']));
}

// --- the staff page ----------------------------------------------------------------------------------------

export interface TemplateRow {
  kind: TemplateKind;
  saved: NoticeTemplate | null;
  /** From ZALO_TEMPLATES when nothing is saved. */
  configuredId: string | null;
  usable: boolean;
  byUserId: boolean;
}

export function listTemplates(db: DbOrTx, configured: Record<string, string>): TemplateRow[] {
  const saved = new Map(db.select().from(noticeTemplates).all().map((r) => [r.name, r]));
  return TEMPLATE_KINDS.map((kind) => {
    const row = saved.get(kind.name) ?? null;
    const resolved = resolveTemplate(db, configured, kind.name);
    return { kind, saved: row, configuredId: row ? null : (configured[kind.name] ?? null), usable: !!resolved, byUserId: !!resolved?.byUserId };
  });
}

const paramName = /^[a-z][a-z0-9_]{0,39}$/;

export const TemplateInput = z.object({
  templateId: z
    .string()
    .trim()
    .regex(/^\d{1,20}$/, 'Mã mẫu (template id) gồm chữ số, do Zalo cấp khi duyệt mẫu.'),
  status: z.enum(['approved', 'pending', 'rejected', 'disabled'], { message: 'Chọn trạng thái của mẫu.' }),
  approvedOn: z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (!s) return null;
      const iso = parseVietnameseDate(s);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: 'Ngày duyệt: nhập theo dạng dd/mm/yyyy.' });
        return z.NEVER;
      }
      return iso;
    }),
  body: z.string().max(2000, 'Nội dung mẫu: tối đa 2000 ký tự.').default(''),
  /** One line per Zalo parameter: `ten_zalo = nguon`. */
  params: z.string().max(2000).default(''),
});
export type TemplateInput = z.infer<typeof TemplateInput>;

/** Parses "ten_khach_hang = name" lines against the values the kind offers; throws the first problem in Vietnamese. */
function parseParamLines(kind: TemplateKind, text: string): TemplateParam[] {
  const out: TemplateParam[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([^=]+)=(.+)$/.exec(line);
    const param = m?.[1]!.trim() ?? '';
    const source = m?.[2]!.trim() ?? '';
    if (!m || !paramName.test(param)) throw new AppError('validation_failed', `Dòng ${i + 1}: viết "tên_tham_số = nguồn", tên tham số chữ thường không dấu (vd. ten_khach_hang = name).`);
    if (!kind.sources.some((s) => s.key === source)) {
      throw new AppError('validation_failed', `Dòng ${i + 1}: nguồn "${source}" không có; chọn một trong: ${kind.sources.map((s) => s.key).join(', ')}.`);
    }
    if (out.some((p) => p.param === param)) throw new AppError('validation_failed', `Dòng ${i + 1}: tham số "${param}" đã có.`);
    out.push({ param, source });
  }
  return out;
}

export function saveTemplate(db: DbOrTx, kind: TemplateKind, input: TemplateInput, staffId: number | null, now: number): NoticeTemplate {
  const params = parseParamLines(kind, input.params);
  const values = { templateId: input.templateId, status: input.status, approvedOn: input.approvedOn, body: input.body.normalize('NFC'), params, updatedAt: now, updatedByStaffId: staffId };
  return db
    .insert(noticeTemplates)
    .values({ name: kind.name, ...values })
    .onConflictDoUpdate({ target: noticeTemplates.name, set: values })
    .returning()
    .get();
}

/** Zalo's rules for template texts (ZALO.md §7): what the page warns about before staff submit a template. */
export function templateWarnings(body: string, params: TemplateParam[], kind?: TemplateKind): string[] {
  const warnings: string[] = [];
  const text = body.normalize('NFC');
  if (kind?.mustSay && text) {
    // "1 Sẽ đến" is found as "1. Sẽ đến", "1 - sẽ đến" or "nhắn 1 nếu sẽ đến".
    const said = (w: string) => {
      const [n, ...rest] = w.split(' ');
      return new RegExp(`(?<!\\d)${n}(?!\\d)[^\\d]{0,12}${rest.join('\\s+')}`, 'iu').test(text);
    };
    const missing = kind.mustSay.words.filter((w) => !said(w));
    if (missing.length) warnings.push(`Nội dung chưa có: ${missing.map((w) => `"${w}"`).join(', ')} (${kind.mustSay.why}).`);
  }
  if (/(?<!\p{L})(?:anh\s*(?:\/|\s)\s*ch[iị]|a\s*\/\s*c)(?!\p{L})/iu.test(text)) {
    warnings.push('Không dùng "anh/chị": Zalo từ chối mẫu xưng hô chung; dùng tham số họ tên hoặc "Quý khách".');
  }
  if (/https?:\/\/|www\.|\b[a-z0-9-]+\.(vn|com|net|org)\b/i.test(text)) warnings.push('Không để đường dẫn trong nội dung: dùng nút (CTA) của mẫu.');
  if (/(?:\+?84|0)(?:[\s.-]?\d){8,10}\b/.test(text)) warnings.push('Không để số điện thoại trong nội dung: dùng nút gọi điện (CTA) của mẫu.');
  const inBody = [...text.matchAll(/<([a-z][a-z0-9_]*)>/g)].map((m) => m[1]!);
  for (const p of inBody) if (!params.some((x) => x.param === p)) warnings.push(`Tham số <${p}> có trong nội dung nhưng chưa chọn nguồn.`);
  for (const p of params) if (text && !inBody.includes(p.param)) warnings.push(`Tham số ${p.param} chưa có trong nội dung (<${p.param}>).`);
  return warnings;
}

/** Values for the preview, taken from one real cadre's records (their latest booking, campaign and request). */
export function sampleValues(db: DbOrTx, cadreId: number): Record<string, string> {
  const cadre = db.select().from(cadres).where(eq(cadres.id, cadreId)).get();
  if (!cadre) return {};
  const values: Record<string, string> = { name: cadre.fullName };
  const booking = db
    .select({ localDate: examSlots.localDate, startsAt: examSlots.startsAt, clinic: clinics.name, campaign: campaigns.name, endDate: campaigns.endDate })
    .from(bookings)
    .innerJoin(examSlots, eq(examSlots.id, bookings.slotId))
    .innerJoin(clinics, eq(clinics.id, examSlots.clinicId))
    .innerJoin(campaigns, eq(campaigns.id, bookings.campaignId))
    .where(eq(bookings.cadreId, cadreId))
    .orderBy(desc(bookings.id))
    .get();
  if (booking) {
    values.date = formatVietnamDay(booking.localDate);
    values.time = formatVietnamTime(booking.startsAt);
    values.clinic = booking.clinic;
  }
  const campaign = db.select().from(campaigns).where(inArray(campaigns.status, ['open'])).orderBy(desc(campaigns.startDate)).get();
  if (campaign) {
    values.campaign = campaign.name;
    values.until = formatVietnamDay(campaign.endDate);
  }
  const request = db.select().from(careRequests).where(eq(careRequests.cadreId, cadreId)).orderBy(desc(careRequests.id)).get();
  if (request) {
    values.ticket = ticketOf(request.id);
    values.status = requestStateLabels[request.state];
    values.request = requestTypeLabels[request.type].toLowerCase();
    if (request.scheduledDate) values.date ??= formatVietnamDay(request.scheduledDate);
  }
  return values;
}

/** The body with each <param> replaced by the value mapped to it (or the source's name in brackets when missing). */
export function previewBody(body: string, params: TemplateParam[], values: Record<string, string>): string {
  return body.replace(/<([a-z][a-z0-9_]*)>/g, (whole, p: string) => {
    const source = params.find((x) => x.param === p)?.source;
    if (!source) return whole;
    return values[source] ?? `[${source}]`;
  });
}
