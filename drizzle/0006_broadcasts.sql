CREATE TABLE `broadcasts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`text` text NOT NULL,
	`buttons` text DEFAULT '[]' NOT NULL,
	`template_name` text,
	`segment` text NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`requested_at` integer NOT NULL,
	`start_at` integer NOT NULL,
	`fanout_cursor` integer DEFAULT 0 NOT NULL,
	`fanout_done` integer DEFAULT false NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`created_by_staff_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`status_changed_at` integer NOT NULL,
	FOREIGN KEY (`created_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `broadcasts_status` ON `broadcasts` (`status`,`start_at`);--> statement-breakpoint
CREATE TABLE `broadcast_recipients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`broadcast_id` integer NOT NULL,
	`cadre_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`channel` text,
	`zalo_user_id` text,
	`reason` text,
	`external_id` text,
	`claimed_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `broadcast_recipients_one_per_cadre` ON `broadcast_recipients` (`broadcast_id`,`cadre_id`);--> statement-breakpoint
CREATE INDEX `broadcast_recipients_status` ON `broadcast_recipients` (`broadcast_id`,`status`);--> statement-breakpoint
ALTER TABLE `zalo_users` ADD `broadcast_opt_out` integer DEFAULT false NOT NULL;