CREATE TABLE `zalo_sends` (
	`key` text PRIMARY KEY NOT NULL,
	`zalo_user_id` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`attempts` integer DEFAULT 1 NOT NULL,
	`message_id` text,
	`sent_at` integer
);
--> statement-breakpoint
CREATE INDEX `zalo_sends_user_started` ON `zalo_sends` (`zalo_user_id`,`started_at`);