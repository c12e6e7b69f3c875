import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { allowedCodesText, chosenHealthClass, healthClassChoices, type ClassSchemeId } from '../../../domain/results/classification';
import { healthClassLabel } from '../../../domain/results/classification';
import { ResultInput } from '../../../domain/results/results';
import { parseVietnameseDate } from '../../../domain/shared/dates';
import { fieldProblem, fieldProblems, vietnameseIssue } from '../../../domain/shared/validationText';
import { AppError } from '../../../errors';
import { campaigns, clinics, type ExamResult } from '../../../store/schema';
import type { StaffDeps } from '../../deps';
import { InputField, SelectField, TextAreaField } from '../formFields';
import { fmtDate, NamedSelect } from '../ui';

/** The form as posted: strings, turned into ResultInput (dates as dd/mm/yyyy or yyyy-mm-dd). */
export const ResultForm = z.object({
  cadreCode: z.string().trim().max(50).optional(),
  examDate: z.string().trim().max(20),
  clinicId: z.string().max(12).optional(),
  campaignId: z.string().max(12).optional(),
  healthClass: z.string().max(5).optional(),
  conclusions: z.string().max(4000).default(''),
  diagnoses: z.string().max(12000).default(''),
  advice: z.string().max(4000).default(''),
  followUp: z.string().optional(),
  followUpWhere: z.string().max(400).default(''),
  signedBy: z.string().max(200).default(''),
});
export type ResultForm = z.infer<typeof ResultForm>;

export function inputFromForm(f: ResultForm, scheme: ClassSchemeId, currentClass: string | null = null): ResultInput {
  const examDate = parseVietnameseDate(f.examDate);
  if (!examDate) throw new AppError('validation_failed', 'Ngày khám chưa đúng dạng; ghi ngày/tháng/năm, ví dụ 05/03/2026.', [fieldProblem('examDate', 'ghi ngày/tháng/năm')]);
  const id = (v?: string) => (v && /^\d+$/.test(v) ? Number(v) : null);
  const healthClass = chosenHealthClass(f.healthClass ?? '', scheme, currentClass);
  if (healthClass === undefined) {
    const message = `ghi một trong ${allowedCodesText(scheme)} hoặc để trống`;
    throw new AppError('validation_failed', `Phân loại sức khỏe “${f.healthClass ?? ''}” không hợp lệ; ${message}.`, [fieldProblem('healthClass', message)]);
  }
  const parsed = ResultInput.safeParse({
    examDate,
    clinicId: id(f.clinicId),
    campaignId: id(f.campaignId),
    healthClass,
    conclusions: f.conclusions,
    diagnoses: f.diagnoses.split(/\r?\n/).map((d) => d.trim()).filter(Boolean),
    advice: f.advice,
    followUp: f.followUp === 'on' || f.followUp === '1',
    followUpWhere: f.followUpWhere,
    signedBy: f.signedBy,
  }, { error: vietnameseIssue });
  if (!parsed.success) {
    throw new AppError('validation_failed', 'Dữ liệu nhập chưa hợp lệ. Vui lòng kiểm tra lại.', fieldProblems(parsed.error.issues));
  }
  return parsed.data;
}

/** The fields of one result, for a new entry (with the cadre code) and for editing a draft. */
export function ResultFields(props: { deps: StaffDeps; values?: Partial<ExamResult>; askCadre?: boolean; cadreCode?: string }) {
  const v = props.values ?? {};
  const clinicList = props.deps.db.select().from(clinics).orderBy(asc(clinics.name)).all();
  const campaignList = props.deps.db.select().from(campaigns).orderBy(asc(campaigns.startDate)).all();
  return (
    <div class="grid">
      {props.askCadre ? <InputField name="cadreCode" label="Mã cán bộ" required value={props.cadreCode ?? ''} /> : null}
      <InputField name="examDate" label="Ngày khám (ngày/tháng/năm)" required placeholder="05/03/2026" value={v.examDate ? fmtDate(v.examDate) : ''} />
      <NamedSelect name="campaignId" label="Đợt khám" items={campaignList} selected={v.campaignId} empty="Ngoài đợt" />
      <NamedSelect name="clinicId" label="Nơi khám" items={clinicList} selected={v.clinicId} empty="—" />
      <SelectField
        name="healthClass"
        label="Phân loại sức khỏe"
        empty="Chưa phân loại"
        options={healthClassChoices(props.deps.committee.classScheme, v.healthClass ?? null).map((h) => ({ value: h, label: healthClassLabel(h) }))}
        selected={v.healthClass ?? undefined}
      />
      <TextAreaField name="conclusions" label="Kết luận" rows={3} value={v.conclusions ?? ''} wide />
      <TextAreaField name="diagnoses" label="Chẩn đoán (mỗi dòng một chẩn đoán)" rows={4} value={(v.diagnoses ?? []).join('\n')} wide />
      <TextAreaField name="advice" label="Lời khuyên" rows={3} value={v.advice ?? ''} wide />
      <div>
        <label>
          <input type="checkbox" name="followUp" value="on" checked={!!v.followUp} /> Đề nghị khám lại
        </label>
      </div>
      <InputField name="followUpWhere" label="Nơi khám lại" value={v.followUpWhere ?? ''} />
      <InputField name="signedBy" label="Bác sĩ ký" value={v.signedBy ?? ''} />
    </div>
  );
}
