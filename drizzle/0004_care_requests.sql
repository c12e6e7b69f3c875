CREATE TABLE `care_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`cadre_id` integer,
	`clinic_id` integer,
	`zalo_user_id` text,
	`via_proxy` integer DEFAULT false NOT NULL,
	`urgency` text NOT NULL,
	`state` text DEFAULT 'new' NOT NULL,
	`details` text DEFAULT '' NOT NULL,
	`address` text,
	`latitude` real,
	`longitude` real,
	`preferred_date` text,
	`preferred_time` text,
	`ack_due_at` integer NOT NULL,
	`escalation_level` integer DEFAULT 0 NOT NULL,
	`sla` text DEFAULT 'pending' NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by_staff_id` integer,
	`scheduled_date` text,
	`scheduled_time` text,
	`closed_at` integer,
	`close_note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `care_requests_state` ON `care_requests` (`state`,`clinic_id`);--> statement-breakpoint
CREATE INDEX `care_requests_cadre` ON `care_requests` (`cadre_id`);--> statement-breakpoint
CREATE INDEX `care_requests_user` ON `care_requests` (`zalo_user_id`);--> statement-breakpoint
CREATE TABLE `care_request_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`detail` text,
	FOREIGN KEY (`request_id`) REFERENCES `care_requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `care_request_events_request` ON `care_request_events` (`request_id`,`at`);--> statement-breakpoint
CREATE TABLE `handoffs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zalo_user_id` text NOT NULL,
	`cadre_id` integer,
	`clinic_id` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`staff_id` integer,
	`opened_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL,
	`closed_at` integer,
	`closed_by` text,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `handoffs_user_status` ON `handoffs` (`zalo_user_id`,`status`);--> statement-breakpoint
CREATE INDEX `handoffs_status` ON `handoffs` (`status`,`clinic_id`);--> statement-breakpoint
CREATE TABLE `handoff_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zalo_user_id` text NOT NULL,
	`direction` text NOT NULL,
	`text` text NOT NULL,
	`staff_id` integer,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `handoff_messages_user` ON `handoff_messages` (`zalo_user_id`,`id`);