CREATE TABLE `clinics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`working_hours` text DEFAULT '' NOT NULL,
	`email` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clinics_code_unique` ON `clinics` (`code`);--> statement-breakpoint
CREATE TABLE `cadres` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`full_name` text NOT NULL,
	`birth_date` text NOT NULL,
	`sex` text NOT NULL,
	`category` text NOT NULL,
	`unit` text DEFAULT '' NOT NULL,
	`phone` text,
	`email` text,
	`clinic_id` integer,
	`health_class` text,
	`frail` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`broadcast_opt_out` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cadres_code_unique` ON `cadres` (`code`);--> statement-breakpoint
CREATE INDEX `cadres_phone` ON `cadres` (`phone`);--> statement-breakpoint
CREATE INDEX `cadres_clinic` ON `cadres` (`clinic_id`);--> statement-breakpoint
CREATE TABLE `zalo_links` (
	`zalo_user_id` text PRIMARY KEY NOT NULL,
	`cadre_id` integer NOT NULL,
	`method` text NOT NULL,
	`linked_at` integer NOT NULL,
	`linked_by_staff_id` integer,
	FOREIGN KEY (`zalo_user_id`) REFERENCES `zalo_users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `zalo_links_cadre_id_unique` ON `zalo_links` (`cadre_id`);--> statement-breakpoint
CREATE TABLE `proxies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zalo_user_id` text NOT NULL,
	`cadre_id` integer NOT NULL,
	`relation` text DEFAULT '' NOT NULL,
	`proxy_name` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`requested_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by_staff_id` integer,
	`note` text,
	FOREIGN KEY (`zalo_user_id`) REFERENCES `zalo_users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proxies_user_cadre` ON `proxies` (`zalo_user_id`,`cadre_id`);--> statement-breakpoint
CREATE TABLE `otp_challenges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zalo_user_id` text NOT NULL,
	`cadre_id` integer NOT NULL,
	`code_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`consumed_at` integer,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `otp_user` ON `otp_challenges` (`zalo_user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `otp_cadre` ON `otp_challenges` (`cadre_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`staff_id` integer NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_staff` ON `api_tokens` (`staff_id`);--> statement-breakpoint
CREATE TABLE `staff_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`full_name` text NOT NULL,
	`role` text NOT NULL,
	`clinic_id` integer,
	`email` text,
	`zalo_user_id` text,
	`password_hash` text NOT NULL,
	`session_version` integer DEFAULT 1 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`on_call` integer DEFAULT false NOT NULL,
	`is_clinic_head` integer DEFAULT false NOT NULL,
	`last_login_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_username_unique` ON `staff_users` (`username`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text NOT NULL,
	`on_behalf_of_cadre_id` integer,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_entity` ON `audit_log` (`entity`,`entity_id`);