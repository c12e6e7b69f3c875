import { runFollowUpDue, runWaitlistExpire, runWaitlistOffer, type AftercareJobDeps } from './aftercare';
import { runCallList } from './attendanceCallList';
import type { BroadcastJobs } from './broadcast';
import { runCampaignNudge } from './bookingNudge';
import { sendEmailMessage } from './emailSend';
import { runMailErase } from './mailErase';
import { sendNotice } from './notice';
import { runEscalationStep, runHandoffTimeout, type RequestJobDeps } from './requests';
import type { OutboxHandlers } from './workers';
import { fetchZaloProfile } from './zaloProfile';
import { sendZaloMessage } from './zaloSend';

/** What each job's handler needs, built once by the composition root. */
export interface OutboxHandlerDeps {
  zaloSend: Parameters<typeof sendZaloMessage>[0];
  emailSend: Parameters<typeof sendEmailMessage>[0];
  zaloProfile: Parameters<typeof fetchZaloProfile>[0];
  mailErase: Parameters<typeof runMailErase>[0];
  broadcasts: Pick<BroadcastJobs, 'fanout'>;
  requests: RequestJobDeps;
  aftercare: AftercareJobDeps;
  nudge: Parameters<typeof runCampaignNudge>[0];
  callList: Parameters<typeof runCallList>[0];
  notice: Parameters<typeof sendNotice>[0];
}

/** The worker's handler for every job of the catalog, by job name (the compiler checks none is missing). */
export function outboxHandlers(d: OutboxHandlerDeps): OutboxHandlers {
  return {
    'zalo.message': (row, job) => sendZaloMessage(d.zaloSend, row, job),
    'email.message': (row) => sendEmailMessage(d.emailSend, row),
    'zalo.profile': (row) => fetchZaloProfile(d.zaloProfile, row),
    'mail.erase': (row) => runMailErase(d.mailErase, row),
    'broadcast.fanout': (row) => d.broadcasts.fanout(row),
    'request.escalate': (row) => runEscalationStep(d.requests, row),
    'handoff.timeout': (row) => runHandoffTimeout(d.requests, row),
    'campaign.nudge': (row) => runCampaignNudge(d.nudge, row),
    'attendance.callList': (row) => runCallList(d.callList, row),
    'waitlist.offer': (row) => runWaitlistOffer(d.aftercare, row),
    'waitlist.expire': (row) => runWaitlistExpire(d.aftercare, row),
    'followUp.due': (row) => runFollowUpDue(d.aftercare, row),
    'notice.cadre': (row, job, token) => sendNotice(d.notice, row, { job, token }),
  };
}
