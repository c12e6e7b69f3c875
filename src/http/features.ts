import type { StaffFeature } from './feature';
import type { StaffDeps } from './deps';
import { accountPages } from './staff/account';
import { auditPages } from './staff/audit';
import { failedEventPages } from './staff/failedEvents';
import { dashboardPages } from './staff/dashboard';
import { bookingPages } from './staff/booking';
import { callListPages } from './staff/callList';
import { waitlistPages } from './staff/waitlist';
import { cadreActingPages } from './staff/cadreActing';
import { clinicDayPages } from './staff/clinicDays';
import { attendancePages } from './staff/attendance';
import { proxyPages } from './staff/proxies';
import { registryPages } from './staff/registry';
import { requestPages } from './staff/requests';
import { resultPages } from './staff/results';
import { faqPages } from './staff/faq';
import { followUpPages } from './staff/followUps';
import { cannedReplyPages } from './staff/cannedReplies';
import { livePages } from './staff/live';
import { userPages } from './staff/users';
import { requestApiRoutes } from './api/requests';
import { bookingApiRoutes } from './api/booking';
import { resultApiRoutes } from './api/results';
import { registryApiRoutes } from './api/registry';
import { proxyApiRoutes } from './api/proxies';
import { auditApiRoutes } from './api/audit';

/**
 * The staff features of the service, each with its pages, API and navigation entries; the runtime adds the ones
 * that need more than StaffDeps (broadcasts, Zalo connection, outreach, reports).
 */
export function staffFeatures(deps: StaffDeps): StaffFeature[] {
  return [
    { path: '/', pages: dashboardPages(deps), nav: [{ href: '/staff', label: 'Tổng quan', permission: ['dashboard', 'read'], order: 0 }] },
    {
      path: '/registry',
      pages: registryPages(deps),
      api: registryApiRoutes(deps),
      nav: [
        { href: '/staff/registry', label: 'Danh sách cán bộ', permission: ['registry', 'read'], order: 10 },
        { href: '/staff/registry/import', label: 'Nhập danh sách', permission: ['registry', 'import'], order: 20 },
      ],
    },
    { path: '/registry', pages: cadreActingPages(deps) },
    {
      path: '/proxies',
      pages: proxyPages(deps),
      api: proxyApiRoutes(deps),
      nav: [{ href: '/staff/proxies', label: 'Người đại diện', permission: ['proxies', 'decide'], order: 30 }],
    },
    { path: '/users', pages: userPages(deps), nav: [{ href: '/staff/users', label: 'Nhân viên', permission: ['staffAccounts', 'manage'], order: 80 }] },
    {
      path: '/account',
      pages: accountPages(deps),
      nav: [{ href: '/staff/account/password', label: 'Đổi mật khẩu', permission: ['account', 'changePassword'], order: 99 }],
    },
    {
      path: '/failed-events',
      pages: failedEventPages(deps),
      nav: [{ href: '/staff/failed-events', label: 'Sự kiện lỗi', permission: ['failedEvents', 'read'], order: 88 }],
    },
    {
      path: '/audit',
      pages: auditPages(deps),
      api: auditApiRoutes(deps),
      nav: [{ href: '/staff/audit', label: 'Nhật ký', permission: ['audit', 'read'], order: 90 }],
    },
    {
      path: '/requests',
      pages: requestPages(deps),
      api: requestApiRoutes(deps),
      apiPath: '/',
      nav: [
        { href: '/staff/requests', label: 'Yêu cầu', permission: ['requests', 'read'], order: 5, liveCount: 'requests' },
        { href: '/staff/requests/conversations', label: 'Trò chuyện', permission: ['requests', 'read'], order: 6, liveCount: 'conversations' },
      ],
    },
    ...bookingFeatures(deps),
    {
      path: '/results',
      pages: resultPages(deps),
      api: resultApiRoutes(deps),
      nav: [
        { href: '/staff/results', label: 'Kết quả khám', permission: ['results', 'read'], order: 40 },
        { href: '/staff/results/figures', label: 'Phân loại sức khỏe', permission: ['results', 'figures'], order: 45 },
      ],
    },
    {
      path: '/follow-ups',
      pages: followUpPages(deps),
      nav: [{ href: '/staff/follow-ups', label: 'Theo dõi sau khám', permission: ['followUps', 'read'], order: 36, group: 'care' }],
    },
    { path: '/faq', pages: faqPages(deps), nav: [{ href: '/staff/faq', label: 'Câu hỏi thường gặp', permission: ['faq', 'manage'], order: 50 }] },
    {
      path: '/canned-replies',
      pages: cannedReplyPages(deps),
      nav: [{ href: '/staff/canned-replies', label: 'Câu trả lời mẫu', permission: ['cannedReplies', 'manage'], order: 51 }],
    },
    { path: '/live', pages: livePages(deps) },
  ];
}

/** Exam rounds under /staff/booking: campaigns and slots, clinic days, attendance, the call list and the waitlist. */
function bookingFeatures(deps: StaffDeps): StaffFeature[] {
  return [
    {
      path: '/booking',
      pages: callListPages(deps),
      nav: [{ href: '/staff/booking/calls', label: 'Gọi điện cho cán bộ', permission: ['callList', 'read'], order: 37, group: 'care' }],
    },
    {
      path: '/booking',
      pages: waitlistPages(deps),
      nav: [{ href: '/staff/booking/waitlist', label: 'Danh sách chờ', permission: ['callList', 'read'], order: 38, group: 'care' }],
    },
    {
      path: '/booking',
      pages: bookingPages(deps),
      api: bookingApiRoutes(deps),
      apiPath: '/',
      nav: [{ href: '/staff/booking', label: 'Đợt khám', permission: ['booking', 'read'], order: 35 }],
    },
    { path: '/booking', pages: clinicDayPages(deps) },
    { path: '/booking', pages: attendancePages(deps) },
  ];
}
