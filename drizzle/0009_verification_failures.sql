CREATE TABLE `verification_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`zalo_user_id` text NOT NULL,
	`cadre_code` text NOT NULL,
	`cadre_id` integer,
	`at` integer NOT NULL,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `verification_failures_user` ON `verification_failures` (`zalo_user_id`,`at`);--> statement-breakpoint
CREATE INDEX `verification_failures_code` ON `verification_failures` (`cadre_code`,`at`);