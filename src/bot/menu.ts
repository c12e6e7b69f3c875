// eslint-disable-next-line no-restricted-imports -- the bot's event and message types still live in zalo/
import type { QuickReply } from '../zalo/messages';
import { containsPhrase, foldVietnamese } from './text';

/** The main menu: the number, the label (also the button payload) and typed phrases all choose the same item. */
export const mainMenu = [
  {
    id: 'booking',
    label: 'Đặt lịch khám',
    phrases: ['dat lich kham', 'dat lich', 'dang ky kham', 'dang ki kham', 'hen kham', 'lich kham', 'doi lich', 'huy lich', 'lich cua toi', 'xem lich', 'lich hen cua toi'],
  },
  { id: 'results', label: 'Xem kết quả khám', phrases: ['xem ket qua', 'ket qua kham', 'ket qua'] },
  {
    id: 'homeVisit',
    label: 'Yêu cầu khám tại nhà',
    phrases: ['kham tai nha', 'yeu cau kham tai nha', 'bac si den nha', 'tai nha'],
  },
  {
    id: 'staff',
    label: 'Gặp nhân viên',
    phrases: ['gap nhan vien', 'nhan vien', 'gap nguoi', 'tu van', 'hoi dap', 'tro giup nhan vien'],
  },
] as const;

export type MainMenuId = (typeof mainMenu)[number]['id'];

const showMenuPhrases = ['menu', 'bat dau', 'xin chao', 'chao', 'hi', 'hello', 'alo', 'trang chu', 'quay lai', 'tro ve', 'start'];

export type MenuChoice = { kind: 'item'; id: MainMenuId; label: string } | { kind: 'showMenu' } | { kind: 'unknown' };

/** Understands "1", "Đặt lịch khám", "dat lich", "  DAT LICH KHAM " and the button payload alike. */
export function parseMenuChoice(input: string): MenuChoice {
  const folded = foldVietnamese(input);
  if (!folded) return { kind: 'unknown' };
  const numeric = /^(?:so )?(\d{1,2})$/.exec(folded);
  if (numeric) {
    const n = Number(numeric[1]);
    if (n === 0) return { kind: 'showMenu' };
    const item = mainMenu[n - 1];
    return item ? { kind: 'item', id: item.id, label: item.label } : { kind: 'unknown' };
  }
  // Longest phrase wins, so "kham tai nha" is not read as booking's "lich kham".
  let best: { item: (typeof mainMenu)[number]; length: number } | undefined;
  for (const item of mainMenu) {
    for (const phrase of item.phrases) {
      if (containsPhrase(folded, phrase) && phrase.length > (best?.length ?? 0)) best = { item, length: phrase.length };
    }
  }
  if (best) return { kind: 'item', id: best.item.id, label: best.item.label };
  if (showMenuPhrases.some((p) => containsPhrase(folded, p))) return { kind: 'showMenu' };
  return { kind: 'unknown' };
}

export function mainMenuText(prompt: string, footer: string): string {
  return [prompt, ...mainMenu.map((item, i) => `${i + 1}. ${item.label}`), footer].join('\n');
}

export const mainMenuButtons: QuickReply[] = mainMenu.map((item) => ({ title: item.label, payload: item.label }));
