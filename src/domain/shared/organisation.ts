/**
 * How the organisation names itself in a sentence: "Ban", "Trung tâm" or "Khoa" (COMMITTEE_KIND). Since 2025 a
 * province's cadre health work sits in a Ban under the Party committee, a Trung tâm under the health department or a
 * Khoa of the provincial hospital, and every text a cadre or staff member reads ("Ban đã đặt lịch…", "hồ sơ của
 * Trung tâm") says which. The kind is fixed for the life of the process, like its language, and texts are built in
 * every layer (chat, emails, notices, pages), so it is set once at start (runtime) rather than passed to each text.
 */
let word = 'Ban';

/** Called once at start with `config.committee.kindLabel`. */
export function setCommitteeWord(kindLabel: string): void {
  word = kindLabel;
}

/** "Ban", "Trung tâm" or "Khoa", as the subject or object of a sentence. */
export const committeeWord = (): string => word;
