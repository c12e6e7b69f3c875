import type { NoticeRenderers } from './notices';
import { RESULT_NOTICE_KIND, renderResultReleased } from './results';

/** Every kind of notice the service sends, by name. Each capability adds its renderer here. */
export const noticeRenderers: NoticeRenderers = {
  [RESULT_NOTICE_KIND]: (db, ref) => renderResultReleased(db, ref),
};
