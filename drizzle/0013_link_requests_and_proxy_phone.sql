CREATE TABLE `link_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zalo_user_id` text NOT NULL,
	`cadre_id` integer NOT NULL,
	`phone` text NOT NULL,
	`current_zalo_user_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`requested_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by_staff_id` integer,
	`note` text,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `link_requests_status` ON `link_requests` (`status`,`requested_at`);--> statement-breakpoint
CREATE INDEX `link_requests_cadre` ON `link_requests` (`cadre_id`);--> statement-breakpoint
ALTER TABLE `proxies` ADD `requester_phone` text;