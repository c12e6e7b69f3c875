CREATE TABLE `campaign_clinics` (
	`campaign_id` integer NOT NULL,
	`clinic_id` integer NOT NULL,
	PRIMARY KEY(`campaign_id`, `clinic_id`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`round` integer NOT NULL,
	`name` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`eligible_categories` text DEFAULT '["duong_chuc","nguyen_chuc","nguoi_co_cong","khac"]' NOT NULL,
	`instructions` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`nudge_after_days` integer,
	`created_by_staff_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaigns_year_round` ON `campaigns` (`year`,`round`);--> statement-breakpoint
CREATE INDEX `campaigns_status` ON `campaigns` (`status`);--> statement-breakpoint
CREATE TABLE `exam_slots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`clinic_id` integer NOT NULL,
	`local_date` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`capacity` integer NOT NULL,
	`booked` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "exam_slots_capacity" CHECK("exam_slots"."capacity" >= 0 AND "exam_slots"."booked" >= 0 AND "exam_slots"."booked" <= "exam_slots"."capacity"),
	CONSTRAINT "exam_slots_span" CHECK("exam_slots"."ends_at" > "exam_slots"."starts_at")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exam_slots_clinic_start` ON `exam_slots` (`campaign_id`,`clinic_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `exam_slots_day` ON `exam_slots` (`campaign_id`,`clinic_id`,`local_date`);--> statement-breakpoint
CREATE TABLE `bookings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`slot_id` integer NOT NULL,
	`cadre_id` integer NOT NULL,
	`status` text DEFAULT 'booked' NOT NULL,
	`booked_by_zalo_user_id` text,
	`via_proxy` integer DEFAULT false NOT NULL,
	`booked_by_staff_id` integer,
	`moved_from_id` integer,
	`replaced_by_id` integer,
	`cancel_reason` text,
	`cancelled_at` integer,
	`attendance_by_staff_id` integer,
	`attendance_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`slot_id`) REFERENCES `exam_slots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`booked_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`attendance_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_one_per_campaign` ON `bookings` (`campaign_id`,`cadre_id`) WHERE status IN ('booked', 'attended');--> statement-breakpoint
CREATE INDEX `bookings_slot` ON `bookings` (`slot_id`,`status`);--> statement-breakpoint
CREATE INDEX `bookings_cadre` ON `bookings` (`cadre_id`,`status`);