import { honorific } from '../domain/shared/vietnamese';
import { demoCadres, type DemoCadre } from '../store/demoSeed';
import type { StaffRole } from '../store/schema';

/** Who a visitor can be: the staff accounts of every role, the simulated Zalo users, and what to type first. */

export interface DemoStaffAccount {
  username: string;
  fullName: string;
  role: StaffRole;
  /** For clinic staff (their only clinic) and the doctor (their home clinic). */
  clinicCode?: string;
  /** What logging in as this account shows. */
  shows: string;
}

export const demoStaffAccounts: readonly DemoStaffAccount[] = [
  { username: 'admin', fullName: 'Quản trị viên (demo)', role: 'admin', shows: 'mọi trang, kể cả nhân viên, nhật ký, kết nối Zalo, hàng đợi' },
  {
    username: 'dieuphoi',
    fullName: 'Đỗ Thị Thu Hà',
    role: 'coordinator',
    shows: 'yêu cầu, lịch khám, kết quả (nhập), người đại diện, thông báo chung; trực khẩn cấp',
  },
  { username: 'bacsi', fullName: 'BS. Nguyễn Minh Hải', role: 'doctor', clinicCode: 'PK-A1', shows: 'công bố kết quả (có 1 bản nháp chờ), báo cáo' },
  {
    username: 'nhanvien.a1',
    fullName: 'Phạm Thị Lan',
    role: 'clinic_staff',
    clinicCode: 'PK-A1',
    shows: 'chỉ cán bộ, lịch khám và yêu cầu của Phòng khám A1',
  },
  { username: 'xem', fullName: 'Lê Minh Tuấn', role: 'viewer', shows: 'chỉ số liệu, báo cáo; không xem kết quả của từng người' },
];

export type DemoUserKind = 'withResults' | 'noEmail' | 'frail' | 'relative';

export interface DemoZaloUser {
  kind: DemoUserKind;
  userId: string;
  displayName: string;
  phone: string;
  cadre?: DemoCadre;
  /** Already linked to their cadre (by a phone share some weeks ago). */
  linked: boolean;
  /** What playing this user shows. */
  shows: string;
}

/** The registry's fourth-from-last digits are never 000111…: a relative's phone that no cadre has. */
function relativePhone(registry: DemoCadre[]): string {
  const taken = new Set(registry.map((c) => c.phone));
  let phone = 84_912_000_111;
  while (taken.has(String(phone))) phone += 1;
  return String(phone);
}

/** The simulated Zalo users, with fixed ids so their chat links stay the same from one start to the next. */
export function demoZaloUsers(registry: DemoCadre[] = demoCadres()): DemoZaloUser[] {
  // Elderly, as most people who message the committee are (born 1956 or before).
  const elderly = registry.filter((c) => c.phone && Number(c.birthDate.slice(0, 4)) <= 1956);
  const withResults = elderly.find((c) => c.category === 'nguyen_chuc' && c.email && !c.frail && c.clinicCode === 'PK-A1')!;
  const noEmail = elderly.find((c) => c.category === 'nguoi_co_cong' && !c.email && !c.frail)!;
  const frail = elderly.find((c) => c.frail && c.category === 'nguyen_chuc')!;
  const title = (c: DemoCadre) => honorific(c.sex);
  return [
    {
      kind: 'withResults',
      userId: '7301946285173904521',
      displayName: withResults.fullName,
      phone: withResults.phone!,
      cadre: withResults,
      linked: true,
      shows: 'đã liên kết; có kết quả hai đợt trước (một bản đã đính chính): đặt lịch, xem kết quả, khám tại nhà, gặp nhân viên',
    },
    {
      kind: 'noEmail',
      userId: '7301946285173904538',
      displayName: noEmail.fullName,
      phone: noEmail.phone!,
      cadre: noEmail,
      linked: false,
      shows: 'không có email: liên kết bằng chia sẻ số điện thoại là cách duy nhất; có một kết quả',
    },
    {
      kind: 'frail',
      userId: '7301946285173904545',
      displayName: frail.fullName,
      phone: frail.phone!,
      cadre: frail,
      linked: false,
      shows: `${title(frail)} yếu: khi đặt lịch được mời khám tại nhà`,
    },
    {
      kind: 'relative',
      userId: '730194628517390455',
      displayName: 'Con gái (người nhà)',
      phone: relativePhone(registry),
      linked: false,
      shows: `không có trong danh sách; đang chờ duyệt làm người đại diện của ${title(frail)} ${frail.fullName} (trang Người đại diện)`,
    },
  ];
}

/** Five things to type in the chat as the first demo user, and what each shows. */
export const tryThis: readonly { text: string; shows: string }[] = [
  { text: 'đặt lịch khám', shows: 'chọn nơi khám, ngày (có ngày sắp kín, một ngày đã kín), giờ; xác nhận "đồng ý"' },
  { text: 'xem kết quả', shows: 'kết quả mới nhất (đã đính chính) và các lần khám trước' },
  { text: 'khám tại nhà', shows: 'yêu cầu bác sĩ đến nhà; có số phiếu, hiện ngay ở trang Yêu cầu' },
  { text: 'tôi bị khó thở', shows: 'câu khẩn cấp: trả lời ngay số 115 và điện thoại phòng khám; báo nhân viên trực' },
  { text: 'gặp nhân viên', shows: 'nói chuyện với nhân viên: trả lời từ trang Yêu cầu (đăng nhập dieuphoi), lời đáp hiện trong chat' },
];
