import { z } from 'zod';
import type { Campaign } from '../../../store/schema';
import { dayNotices } from '../clinicDays';
import type { Flash } from '../layout';

export const Msg = z.object({ msg: z.string().max(40).optional() });

export const campaignStatusLabels: Record<Campaign['status'], string> = { draft: 'Nháp', open: 'Đang nhận đăng ký', closed: 'Đã đóng' };

export const notices: Record<string, Flash> = {
  created: { kind: 'ok', text: 'Đã tạo đợt khám. Thêm ca khám cho các nơi khám bên dưới.' },
  status: { kind: 'ok', text: 'Đã cập nhật trạng thái đợt khám.' },
  attended: { kind: 'ok', text: 'Đã ghi nhận.' },
  ...dayNotices,
};

/** A row of labelled checkboxes sharing one name (categories, clinics, weekdays). */
export function CheckGroup(props: { legend: string; name: string; margin: string; options: { value: string; label: string; checked?: boolean }[] }) {
  return (
    <fieldset style={`border:0;padding:0;margin:${props.margin}`}>
      <legend class="small muted">{props.legend}</legend>
      {props.options.map((o) => (
        <label style="display:inline-block;margin-right:1rem">
          <input type="checkbox" name={props.name} value={o.value} checked={o.checked} /> {o.label}
        </label>
      ))}
    </fieldset>
  );
}
