import { eq } from 'drizzle-orm';
import { honorific } from '../shared/vietnamese';
import type { DbOrTx } from '../../store/db';
import { cadres } from '../../store/schema';
import { findBooking } from '../booking/lookups';
import type { NoticeRenderer } from '../outreach/notices';
import { NEAR_TURN_NOTICE, QUEUE_NOTICE, type QueuePlace, queuePlaceOf, queuePositionOf } from './queue';
import { NEAR_TURN_AHEAD, type QueueSettings } from './attendance';

/** "Số thứ tự của Ông: 12. Trước Ông còn 4 người, chờ khoảng 32 phút." */
export function queueLines(title: string, place: QueuePlace): string[] {
  if (place.called) return [`Số thứ tự của ${title}: ${place.number}. Đã đến lượt ${title}, xin mời vào phòng khám.`];
  const wait =
    place.ahead === 0
      ? `${title} là người tiếp theo.`
      : `Trước ${title} còn ${place.ahead} người, chờ khoảng ${place.waitMinutes} phút.`;
  const near = place.ahead > 0 && place.ahead <= NEAR_TURN_AHEAD ? ` Sắp đến lượt ${title}.` : '';
  return [`Số thứ tự của ${title}: ${place.number}.`, `${wait}${near}`, 'Khi đến lượt, màn hình tại quầy sẽ gọi số này.'];
}

function cadreTitle(db: DbOrTx, cadreId: number) {
  const c = db.select({ fullName: cadres.fullName, sex: cadres.sex }).from(cadres).where(eq(cadres.id, cadreId)).get();
  return c ? { title: honorific(c.sex), name: c.fullName } : null;
}

/** The notices of the queue: the number staff gave at check-in, and "sắp đến lượt". */
export function queueNoticeRenderers(settings: QueueSettings): Record<typeof QUEUE_NOTICE | typeof NEAR_TURN_NOTICE, NoticeRenderer> {
  return {
    // 'attendance.queue': the number staff gave at check-in, with the wait as it stands when it is sent.
    [QUEUE_NOTICE]: (db, ref) => {
      const info = findBooking(db, ref.id);
      const place = queuePlaceOf(db, ref.id, settings);
      const who = info && cadreTitle(db, info.cadreId);
      if (!info || !place || !who || place.called) return null;
      return { text: [`Đã ghi nhận ${who.title} ${who.name} đến ${info.clinic.name}.`, ...queueLines(who.title, place)].join('\n') };
    },
    // 'attendance.nearTurn': three or fewer before the cadre now.
    [NEAR_TURN_NOTICE]: (db, ref) => {
      const info = findBooking(db, ref.id);
      const place = queuePositionOf(db, ref.id);
      const who = info && cadreTitle(db, info.cadreId);
      if (!info || !place || !who || place.called) return null;
      const before = place.ahead === 0 ? `${who.title} là người tiếp theo.` : `Trước ${who.title} còn ${place.ahead} người.`;
      return { text: `Sắp đến lượt ${who.title} (số ${place.number}). ${before} Xin ${who.title} chuẩn bị vào phòng khám.` };
    },
  };
}
