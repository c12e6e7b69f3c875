import { z } from 'zod';
import { roleLabels } from '../../domain/staff/staff';
import { staffRoles, type Clinic, type StaffUser } from '../../store/schema';
import { ZaloUserId } from '../../domain/linking/linking';

/** The staff accounts page's forms: what an admin fills in, and the role, clinic and one-time secret pieces. */

const clinicField = z.union([z.literal(''), z.coerce.number().int().positive()]).default('');
const emailField = z.union([z.literal(''), z.email('Email không hợp lệ.')]).default('');
const zaloField = z.union([z.literal(''), ZaloUserId]).default('');

export const CreateForm = z.object({
  username: z.string().trim().min(3, 'Tên đăng nhập cần ít nhất 3 ký tự.').max(40),
  fullName: z.string().trim().min(1, 'Thiếu họ và tên.').max(200),
  role: z.enum(staffRoles),
  clinicId: clinicField,
  email: emailField,
  zaloUserId: zaloField,
});
const checkbox = z.literal('1').optional();
export const UpdateForm = CreateForm.omit({ username: true }).extend({ active: z.enum(['1', '0']), isClinicHead: checkbox, onCall: checkbox });

/** Where the person stands in the escalation chain (clinic staff → clinic head → on-call list). */
export function ChainBadges(props: { user: StaffUser }) {
  return (
    <>
      {props.user.isClinicHead ? <span class="badge warn">Trưởng phòng khám</span> : null} {props.user.onCall ? <span class="badge bad">Trực</span> : null}
    </>
  );
}

export function RoleSelect(props: { value?: string }) {
  return (
    <select name="role" id="role" required>
      {staffRoles.map((r) => (
        <option value={r} selected={props.value === r}>
          {roleLabels[r]}
        </option>
      ))}
    </select>
  );
}

export function ClinicSelect(props: { clinics: Clinic[]; value?: number | null }) {
  return (
    <select name="clinicId" id="clinicId">
      <option value="">— Không —</option>
      {props.clinics.map((c) => (
        <option value={String(c.id)} selected={props.value === c.id}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

export function SecretBox(props: { label: string; secret: string; note: string }) {
  return (
    <div class="flash ok" role="status">
      <div>{props.label}</div>
      <p>
        <span class="secret" id="secret">
          {props.secret}
        </span>
      </p>
      <div class="small">{props.note}</div>
    </div>
  );
}
