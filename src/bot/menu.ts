import type { QuickReply } from '../conversation/messages';
import { containsPhrase, foldVietnamese } from './text';

/**
 * The bot's one menu API. Every menu is numbered text that works alone, with the same choices as buttons where the
 * OA shows them (`numberedMenu`); the number, the label (a tapped button sends it) and typed phrases all choose the
 * same option (`chooseOption`). The main menu is one such menu.
 */

export interface MenuOption {
  /** The button's title, and what the option is called when typed back. */
  label: string;
  /** The line in the numbered text, when it says more than the label (a day with its free places). */
  line?: string;
  /** What a tapped button sends back; the label when absent. */
  payload?: string;
  /** Typed phrases (folded) that also choose this option. */
  phrases?: readonly string[];
}

/** A numbered menu: the text always works alone; the same choices as buttons where the OA shows them. */
export function numberedMenu(prompt: string, options: readonly MenuOption[], footer?: string): { text: string; buttons: QuickReply[] } {
  const text = [prompt, ...options.map((o, i) => `${i + 1}. ${o.line ?? o.label}`), footer].filter(Boolean).join('\n');
  const buttons = options.slice(0, 5).map((o) => ({ title: o.label, payload: o.payload ?? o.label }));
  return { text, buttons };
}

/**
 * Which of a numbered menu's options the user chose: by number, by the label (a tapped button sends it),
 * its line, or by one of the option's phrases, typed with or without diacritics; the longest phrase wins. Null when none fits.
 */
export function chooseOption(input: string, options: readonly MenuOption[]): number | null {
  const folded = foldVietnamese(input);
  if (!folded) return null;
  const n = MENU_NUMBER.exec(folded);
  if (n) {
    const i = Number(n[1]) - 1;
    return i >= 0 && i < options.length ? i : null;
  }
  const exact = options.findIndex((o) => foldVietnamese(o.label) === folded || (o.line !== undefined && foldVietnamese(o.line) === folded));
  if (exact >= 0) return exact;
  let best: { i: number; length: number } | null = null;
  options.forEach((o, i) => {
    for (const phrase of o.phrases ?? []) {
      if (containsPhrase(folded, phrase) && phrase.length > (best?.length ?? 0)) best = { i, length: phrase.length };
    }
  });
  return (best as { i: number } | null)?.i ?? null;
}

const MENU_NUMBER = /^(?:so )?(\d{1,2})$/;

/** The main menu: the number, the label (also the button payload) and typed phrases all choose the same item. */
const mainMenu = [
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

type MainMenuId = (typeof mainMenu)[number]['id'];

const showMenuPhrases = ['menu', 'bat dau', 'xin chao', 'chao', 'hi', 'hello', 'alo', 'trang chu', 'quay lai', 'tro ve', 'start'];

export type MenuChoice = { kind: 'item'; id: MainMenuId; label: string } | { kind: 'showMenu' } | { kind: 'unknown' };

/**
 * Understands "1", "Đặt lịch khám", "dat lich", "  DAT LICH KHAM " and the button payload alike; "0", "menu" and
 * greetings ask for the menu itself.
 */
export function parseMenuChoice(input: string): MenuChoice {
  const folded = foldVietnamese(input);
  if (!folded) return { kind: 'unknown' };
  const number = MENU_NUMBER.exec(folded);
  if (number && Number(number[1]) === 0) return { kind: 'showMenu' };
  // Longest phrase wins, so "kham tai nha" is not read as booking's "lich kham".
  const i = chooseOption(input, mainMenu);
  const item = i === null ? undefined : mainMenu[i];
  if (item) return { kind: 'item', id: item.id, label: item.label };
  if (!number && showMenuPhrases.some((p) => containsPhrase(folded, p))) return { kind: 'showMenu' };
  return { kind: 'unknown' };
}

export function mainMenuText(prompt: string, footer: string): string {
  return numberedMenu(prompt, mainMenu, footer).text;
}

export const mainMenuButtons: QuickReply[] = numberedMenu('', mainMenu).buttons;
