import { parseVietnameseDate } from '../../../domain/shared/dates';
import { vietnamInstant } from '../../../domain/shared/quietHours';
import { SegmentFilter } from '../../../domain/broadcasts/segments';
import { AppError } from '../../../errors';

/** The compose form as sent by the browser (repeated fields for the multi-choices). */
export interface ComposeForm {
  title: string;
  text: string;
  buttons: string;
  templateName: string;
  categories: string[];
  units: string[];
  clinicIds: string[];
  healthClasses: string[];
  campaignNotBooked: string;
  linkedOnly: boolean;
  everyone: boolean;
  when: 'now' | 'at';
  date: string;
  time: string;
  /** Set only by the confirm step: the recipient count staff saw and confirmed. */
  confirmedRecipients: string;
}

export async function readComposeForm(c: { req: { formData(): Promise<FormData> } }): Promise<ComposeForm> {
  const f = await c.req.formData();
  const one = (k: string) => {
    const v = f.get(k);
    return typeof v === 'string' ? v : '';
  };
  const all = (k: string) => f.getAll(k).filter((v): v is string => typeof v === 'string' && v !== '');
  return {
    title: one('title'),
    text: one('text'),
    buttons: one('buttons'),
    templateName: one('templateName'),
    categories: all('categories'),
    units: all('units'),
    clinicIds: all('clinicIds'),
    healthClasses: all('healthClasses'),
    campaignNotBooked: one('campaignNotBooked'),
    linkedOnly: one('linkedOnly') === 'on',
    everyone: one('everyone') === 'on',
    when: one('when') === 'at' ? 'at' : 'now',
    date: one('date'),
    time: one('time'),
    confirmedRecipients: one('confirmedRecipients'),
  };
}

export function segmentOf(form: ComposeForm): SegmentFilter {
  const parsed = SegmentFilter.safeParse({
    categories: form.categories,
    units: form.units,
    clinicIds: form.clinicIds.map(Number),
    healthClasses: form.healthClasses,
    campaignNotBooked: form.campaignNotBooked ? Number(form.campaignNotBooked) : null,
    linkedOnly: form.linkedOnly,
    everyone: form.everyone,
  });
  if (!parsed.success) throw new AppError('validation_failed', 'Nhóm người nhận chưa hợp lệ. Vui lòng chọn lại.');
  return parsed.data;
}

function startAtOf(form: ComposeForm): number | null {
  if (form.when === 'now') return null;
  const date = parseVietnameseDate(form.date);
  if (!date || !/^\d{1,2}:\d{2}$/.test(form.time)) {
    throw new AppError('validation_failed', 'Vui lòng ghi ngày gửi (ngày/tháng/năm) và giờ gửi (giờ:phút), hoặc chọn "Gửi ngay".');
  }
  const [h, m] = form.time.split(':').map(Number) as [number, number];
  if (h > 23 || m > 59) throw new AppError('validation_failed', 'Giờ gửi chưa hợp lệ.');
  return vietnamInstant(date, h, m);
}

const buttonsOf = (form: ComposeForm) =>
  form.buttons
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((label) => ({ title: label, payload: label }));

/** The draft the form describes, as the domain checks and stores it. */
export const draftOf = (form: ComposeForm) => ({
  title: form.title,
  text: form.text,
  buttons: buttonsOf(form),
  templateName: form.templateName || null,
  segment: segmentOf(form),
  startAt: startAtOf(form),
});
