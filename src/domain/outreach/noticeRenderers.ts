import type { NoticeRenderers } from './notices';
import { NUDGE_KIND, renderBookingNudge } from '../booking/nudges';
import { REMINDER_KIND, renderBookingReminder } from '../booking/reminders';
import { renderStaffBookingNotice, STAFF_BOOKING_NOTICE } from '../booking/bookingForCadre';
import { CAMPAIGN_CHANGED_NOTICE, renderCampaignChanged } from '../booking/clinicDays';
import { defaultQueueSettings } from '../attendance/attendance';
import { queueNoticeRenderers } from '../attendance/queueNotices';
import { LINK_MOVE_NOTICE, renderLinkMoveRequested } from '../linking/linking';
import { renderRequestNotice } from '../requests/updateNotice';
import { REQUEST_NOTE_KIND, renderRequestNoteNotice } from '../requests/requestNotes';
import { RESULT_NOTICE_KIND, renderResultReleased } from '../results/resultNotice';
import { PROXY_NOTICE, renderProxyNotice } from '../linking/proxies';
import { INVITATION_KIND, renderCampaignInvitation } from './invitations';
import { renderWaitlistOffer, WAITLIST_OFFER_NOTICE } from '../aftercare/waitlist';
import { renderRatingAsk } from '../aftercare/ratings';
import { FOLLOW_UP_OFFER_NOTICE, renderFollowUpOffer } from '../aftercare/followUps';
import { RATING_NOTICE } from '../aftercare/serviceDone';

/** Every kind of notice the service sends, by name. Each capability adds its renderer here. */
export const noticeRenderers: NoticeRenderers = {
  [REMINDER_KIND]: renderBookingReminder,
  [NUDGE_KIND]: renderBookingNudge,
  [STAFF_BOOKING_NOTICE]: renderStaffBookingNotice,
  [CAMPAIGN_CHANGED_NOTICE]: renderCampaignChanged,
  // The runtime replaces these with the configured settings.
  ...queueNoticeRenderers(defaultQueueSettings),
  'request.update': renderRequestNotice,
  [REQUEST_NOTE_KIND]: renderRequestNoteNotice,
  [RESULT_NOTICE_KIND]: (db, ref) => renderResultReleased(db, ref),
  [LINK_MOVE_NOTICE]: (db, ref) => renderLinkMoveRequested(db, ref),
  [PROXY_NOTICE]: (db, ref) => renderProxyNotice(db, ref),
  [INVITATION_KIND]: renderCampaignInvitation,
  [WAITLIST_OFFER_NOTICE]: renderWaitlistOffer,
  [RATING_NOTICE]: renderRatingAsk,
  [FOLLOW_UP_OFFER_NOTICE]: renderFollowUpOffer,
};
