import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { clinics } from './clinics';

export const staffRoles = ['admin', 'coordinator', 'doctor', 'clinic_staff', 'viewer'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** Committee and clinic staff who use the web pages and the HTTP API. */
export const staffUsers = sqliteTable('staff_users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  fullName: text('full_name').notNull(),
  role: text('role', { enum: staffRoles }).notNull(),
  /** clinic_staff see only this clinic; others may name a home clinic for escalations. */
  clinicId: integer('clinic_id').references(() => clinics.id),
  email: text('email'),
  /** The staff member's Zalo id (as a follower of the OA), for escalations by Zalo. */
  zaloUserId: text('zalo_user_id'),
  passwordHash: text('password_hash').notNull(),
  /** Raising it logs out every session of this user. */
  sessionVersion: integer('session_version').notNull().default(1),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  onCall: integer('on_call', { mode: 'boolean' }).notNull().default(false),
  isClinicHead: integer('is_clinic_head', { mode: 'boolean' }).notNull().default(false),
  lastLoginAt: integer('last_login_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type StaffUser = typeof staffUsers.$inferSelect;

/** Bearer tokens for the HTTP API; only a hash is stored. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    /** After this instant the token no longer works; null on tokens made before expiry existed (created + the default term). */
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_tokens_staff').on(t.staffId)],
);
