CREATE TABLE `failed_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dedupe_key` text NOT NULL,
	`event_name` text NOT NULL,
	`zalo_user_id` text NOT NULL,
	`body` text NOT NULL,
	`error` text NOT NULL,
	`status` text DEFAULT 'failed' NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`failed_at` integer NOT NULL,
	`replayed_at` integer,
	`replayed_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `failed_events_dedupe_key_unique` ON `failed_events` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `failed_events_status` ON `failed_events` (`status`,`failed_at`);