CREATE TABLE `waitlist_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`clinic_id` integer NOT NULL,
	`cadre_id` integer NOT NULL,
	`status` text DEFAULT 'waiting' NOT NULL,
	`joined_by_zalo_user_id` text,
	`booking_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `waitlist_one_per_campaign` ON `waitlist_entries` (`campaign_id`,`cadre_id`) WHERE status IN ('waiting', 'offered');--> statement-breakpoint
CREATE INDEX `waitlist_line` ON `waitlist_entries` (`campaign_id`,`clinic_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `waitlist_offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` integer NOT NULL,
	`slot_id` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`offered_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`answered_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `waitlist_entries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`slot_id`) REFERENCES `exam_slots`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `waitlist_offers_entry` ON `waitlist_offers` (`entry_id`,`status`);--> statement-breakpoint
CREATE INDEX `waitlist_offers_slot` ON `waitlist_offers` (`slot_id`,`status`);--> statement-breakpoint
CREATE TABLE `call_outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`cadre_id` integer NOT NULL,
	`outcome` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`request_id` integer,
	`staff_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`request_id`) REFERENCES `care_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `call_outcomes_campaign` ON `call_outcomes` (`campaign_id`,`cadre_id`,`at`);--> statement-breakpoint
CREATE TABLE `follow_ups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cadre_id` integer NOT NULL,
	`result_chain_id` integer NOT NULL,
	`campaign_id` integer,
	`clinic_id` integer,
	`reason` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`choice` text,
	`request_id` integer,
	`offered_at` integer NOT NULL,
	`due_date` text NOT NULL,
	`due_at` integer NOT NULL,
	`escalation_request_id` integer,
	`closed_at` integer,
	`closed_by_staff_id` integer,
	`close_note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `care_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`escalation_request_id`) REFERENCES `care_requests`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `follow_ups_chain` ON `follow_ups` (`result_chain_id`);--> statement-breakpoint
CREATE INDEX `follow_ups_status` ON `follow_ups` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `follow_ups_request` ON `follow_ups` (`request_id`);--> statement-breakpoint
CREATE TABLE `ratings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cadre_id` integer NOT NULL,
	`subject` text NOT NULL,
	`subject_id` integer NOT NULL,
	`clinic_id` integer,
	`asked_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`score` integer,
	`comment` text,
	`answered_at` integer,
	`request_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`request_id`) REFERENCES `care_requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ratings_subject` ON `ratings` (`subject`,`subject_id`);--> statement-breakpoint
CREATE INDEX `ratings_cadre` ON `ratings` (`cadre_id`,`asked_at`);--> statement-breakpoint
CREATE INDEX `ratings_clinic` ON `ratings` (`clinic_id`,`answered_at`);