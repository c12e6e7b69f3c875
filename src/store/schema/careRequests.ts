import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ChatAttachment } from './handoffMessages';
import { cadres } from './cadres';
import { clinics } from './clinics';
import { staffUsers } from './staff';

export const careRequestTypes = ['home_visit', 'medicine', 'record_book', 'question', 'emergency', 'follow_up', 'feedback'] as const;
export type CareRequestType = (typeof careRequestTypes)[number];
export const careRequestStates = ['new', 'acknowledged', 'scheduled', 'done', 'cancelled'] as const;
export type CareRequestState = (typeof careRequestStates)[number];
export const careRequestUrgencies = ['urgent', 'normal'] as const;
export type CareRequestUrgency = (typeof careRequestUrgencies)[number];
export const slaOutcomes = ['pending', 'met', 'breached'] as const;
export type SlaOutcome = (typeof slaOutcomes)[number];
export const timesOfDay = ['morning', 'afternoon', 'any'] as const;
export type TimeOfDay = (typeof timesOfDay)[number];

/**
 * A request from a cadre (or their proxy) to the committee: a home visit, medicine delivery, record-book
 * (sổ y bạ) renewal, a question for staff, or an emergency mention. It goes to the cadre's clinic and is
 * escalated on a timer until someone acknowledges it. The ticket shown to people is YC- and the id.
 */
export const careRequests = sqliteTable(
  'care_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    type: text('type', { enum: careRequestTypes }).notNull(),
    /** Null only for an emergency mention by a Zalo user not linked to any cadre. */
    cadreId: integer('cadre_id').references(() => cadres.id),
    /** The clinic that handles it (the cadre's clinic when made); null goes to the on-call staff. */
    clinicId: integer('clinic_id').references(() => clinics.id),
    /** The Zalo account that made it (the cadre or a proxy). */
    zaloUserId: text('zalo_user_id'),
    viaProxy: integer('via_proxy', { mode: 'boolean' }).notNull().default(false),
    urgency: text('urgency', { enum: careRequestUrgencies }).notNull(),
    state: text('state', { enum: careRequestStates }).notNull().default('new'),
    /** What the person said: reason, medicine, question. Sensitive: shown to staff only, never in jobs or logs. */
    details: text('details').notNull().default(''),
    address: text('address'),
    latitude: real('latitude'),
    longitude: real('longitude'),
    /** Photos or files sent with it in chat (e.g. a prescription): where Zalo keeps them. */
    attachments: text('attachments', { mode: 'json' }).$type<ChatAttachment[]>(),
    /** Preferred local date (YYYY-MM-DD) and time of day for a visit or delivery. */
    preferredDate: text('preferred_date'),
    preferredTime: text('preferred_time', { enum: timesOfDay }),
    /** Acknowledge by this instant or the SLA is breached. */
    ackDueAt: integer('ack_due_at').notNull(),
    /** 0 = first notice sent; each escalation step raises it. */
    escalationLevel: integer('escalation_level').notNull().default(0),
    sla: text('sla', { enum: slaOutcomes }).notNull().default('pending'),
    acknowledgedAt: integer('acknowledged_at'),
    acknowledgedByStaffId: integer('acknowledged_by_staff_id').references(() => staffUsers.id),
    /** Local date (YYYY-MM-DD) of a scheduled visit or delivery, and its time of day. */
    scheduledDate: text('scheduled_date'),
    scheduledTime: text('scheduled_time', { enum: timesOfDay }),
    closedAt: integer('closed_at'),
    closeNote: text('close_note'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('care_requests_state').on(t.state, t.clinicId),
    index('care_requests_cadre').on(t.cadreId),
    index('care_requests_user').on(t.zaloUserId),
  ],
);

export type CareRequest = typeof careRequests.$inferSelect;
