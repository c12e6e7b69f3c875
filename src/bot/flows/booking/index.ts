/**
 * Booking a periodic exam in chat: campaign (skipped when only one is open to the cadre) -> clinic (their
 * registered clinic first; skipped when only one takes part) -> day -> time -> confirm, then a summary.
 * "Đổi lịch", "Hủy lịch" and "Lịch của tôi" work from the booking menu and as typed phrases, with or
 * without diacritics. Frail cadres are offered a home visit first. The capacity rule lives in the effect
 * applier (domain/booking/effects.ts); the turn reads free places in the same transaction, so what it promises
 * holds, and a slot that filled up meanwhile answers with the nearest free times.
 */
export { bookingText } from './text';
export { startBooking, startMoveOf } from './manage';
export { askDeclineReason } from './cancel';
export { handleBooking } from './steps';
