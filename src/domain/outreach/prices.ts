import type { NoticeChannel } from '../../store/schema';

/** Estimated prices per message in VND (config PRICE_*), excluding VAT. */
export interface Prices {
  /** A customer-service message between 48 h and 7 days after the user's last interaction (free within 48 h). */
  csBilled: number;
  templateByUser: number;
  templateByPhone: number;
  email: number;
}

const FREE_CS_WINDOW_MS = 48 * 3600_000;

/** The estimated price of one message on `channel`; a customer-service message is free within 48 h. */
export function priceOf(prices: Prices, channel: NoticeChannel | 'skipped', opts: { sinceInteractionMs?: number } = {}): number {
  switch (channel) {
    case 'zalo':
      return opts.sinceInteractionMs !== undefined && opts.sinceInteractionMs < FREE_CS_WINDOW_MS ? 0 : prices.csBilled;
    case 'zalo_template':
      return prices.templateByUser;
    case 'zalo_phone':
      return prices.templateByPhone;
    case 'email':
      return prices.email;
    default:
      return 0;
  }
}

/** "12.400 ₫" */
export function formatVnd(amount: number): string {
  return `${Math.round(amount).toLocaleString('vi-VN')} ₫`;
}

/**
 * The estimated cost of sending to recipients planned per channel. Customer-service messages are counted at the
 * billed price (free only within 48 h of the cadre's last message, which may change before sending): an upper bound.
 */
export function estimateCost(prices: Prices, byChannel: Partial<Record<'zalo' | 'zalo_template' | 'zalo_phone' | 'email', number>>): number {
  return (
    (byChannel.zalo ?? 0) * prices.csBilled +
    (byChannel.zalo_template ?? 0) * prices.templateByUser +
    (byChannel.zalo_phone ?? 0) * prices.templateByPhone +
    (byChannel.email ?? 0) * prices.email
  );
}
