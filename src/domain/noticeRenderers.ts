import type { NoticeRenderers } from './notices';

/** Every kind of notice the service sends, by name. Each capability adds its renderer here. */
export const noticeRenderers: NoticeRenderers = {};
