import { staffRoles, type StaffRole } from '../../store/schema';

/**
 * Who may do what: capability → action → roles. The only source for the staff pages, the API, the navigation
 * and the role × route test. A viewer ("Chỉ xem") sees figures and reports, never a named person's health data
 * (health class, request details, transcripts, results).
 */
const everyone = staffRoles;
const careTeam = ['admin', 'coordinator', 'doctor', 'clinic_staff'] as const;
const office = ['admin', 'coordinator'] as const;

const permissions = {
  dashboard: {
    read: everyone,
  },
  account: {
    /** One's own password. */
    changePassword: everyone,
  },
  registry: {
    /** Names, codes, units, clinics and Zalo links: no health data. */
    read: everyone,
    /** The health class in the list, its filter and the detail; every named read is audited. */
    readHealth: careTeam,
    import: office,
    export: office,
    linkZalo: ['admin', 'coordinator', 'clinic_staff'],
    /** One cadre's contact details, clinic, unit, category, home-visit need and status, with history in the audit log. */
    edit: ['admin', 'coordinator', 'clinic_staff'],
  },
  proxies: {
    decide: office,
  },
  staffAccounts: {
    manage: ['admin'],
  },
  audit: {
    read: ['admin'],
  },
  oaConnection: {
    manage: ['admin'],
  },
  /** The job queue board (/admin/queues). */
  queues: {
    read: ['admin'],
  },
  requests: {
    /** The inbox, a request with its symptoms and address, and conversations with staff (audited reads). */
    read: careTeam,
    act: careTeam,
  },
  booking: {
    /** Campaigns and slot counts. */
    read: everyone,
    /** Day lists of named people (names, phones, attendance). */
    readDayList: careTeam,
    manageCampaigns: office,
    /** Slots: create, change capacity, remove empty ones, close a clinic's day (the booked cadres are told). */
    manageSlots: ['admin', 'coordinator', 'clinic_staff'],
    /** Book, move or cancel an exam for a cadre who phoned or came in; the cadre is told. */
    actForCadre: ['admin', 'coordinator', 'clinic_staff'],
    attendance: careTeam,
    exportDay: careTeam,
    figures: ['admin', 'coordinator', 'doctor', 'viewer'],
  },
  /** Cadres to call in a campaign (not booked, not confirmed, did not come) with age, frailty and health class. */
  callList: {
    read: careTeam,
    /** Record a call's outcome (a home exam asked for opens a request). */
    record: careTeam,
  },
  /** Cadres whose released result calls for a follow-up (health data: never the viewer). */
  followUps: {
    read: careTeam,
    act: careTeam,
  },
  results: {
    read: careTeam,
    enter: careTeam,
    release: ['admin', 'doctor'],
    figures: everyone,
    exportPersonal: ['admin'],
    erasePersonal: ['admin'],
  },
  broadcasts: {
    manage: office,
  },
  /** Reaching cadres through Zalo templates: the daily quota, the template mapping, invitations by phone. */
  outreach: {
    read: office,
    manageTemplates: office,
    invite: office,
  },
  /** Ready-made replies staff pick in conversations and request answers (anyone answering may pick one). */
  cannedReplies: {
    manage: office,
  },
  /** The answers the Zalo assistant gives to simple questions. */
  faq: {
    manage: office,
  },
  reports: {
    read: ['admin', 'coordinator', 'doctor', 'viewer'],
  },
  failedEvents: {
    read: office,
    replay: office,
  },
} as const satisfies Record<string, Record<string, readonly StaffRole[]>>;

type Permissions = typeof permissions;
export type Capability = keyof Permissions;
export type Action<C extends Capability> = keyof Permissions[C] & string;
/** A [capability, action] pair, e.g. `['registry', 'readHealth']`. */
export type Permission = { [C in Capability]: readonly [C, Action<C>] }[Capability];

export function rolesFor(permission: Permission): readonly StaffRole[] {
  const [capability, action] = permission;
  return (permissions[capability] as Record<string, readonly StaffRole[]>)[action]!;
}

/** True when `role` may do `permission`; false for no role (not logged in). */
export function may(role: StaffRole | null | undefined, permission: Permission): boolean {
  return !!role && rolesFor(permission).includes(role);
}
