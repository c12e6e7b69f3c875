CREATE TABLE `oa_consents` (
	`state` text PRIMARY KEY NOT NULL,
	`verifier` text NOT NULL,
	`owner` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `oa_consents_owner` ON `oa_consents` (`owner`,`created_at`);