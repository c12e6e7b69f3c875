PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_exam_results` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chain_id` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`corrects_id` integer,
	`cadre_id` integer NOT NULL,
	`campaign_id` integer,
	`exam_date` text NOT NULL,
	`clinic_id` integer,
	`health_class` text,
	`conclusions` text DEFAULT '' NOT NULL,
	`diagnoses` text DEFAULT '[]' NOT NULL,
	`advice` text DEFAULT '' NOT NULL,
	`follow_up` integer DEFAULT false NOT NULL,
	`follow_up_where` text DEFAULT '' NOT NULL,
	`signed_by` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`source` text DEFAULT 'manual' NOT NULL,
	`entered_by_staff_id` integer,
	`released_at` integer,
	`released_by_staff_id` integer,
	`superseded_at` integer,
	`superseded_by_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entered_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`released_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_exam_results`("id", "chain_id", "version", "corrects_id", "cadre_id", "campaign_id", "exam_date", "clinic_id", "health_class", "conclusions", "diagnoses", "advice", "follow_up", "follow_up_where", "signed_by", "status", "source", "entered_by_staff_id", "released_at", "released_by_staff_id", "superseded_at", "superseded_by_id", "created_at", "updated_at") SELECT "id", "chain_id", "version", "corrects_id", "cadre_id", "campaign_id", "exam_date", "clinic_id", "health_class", "conclusions", "diagnoses", "advice", "follow_up", "follow_up_where", "signed_by", "status", "source", "entered_by_staff_id", "released_at", "released_by_staff_id", "superseded_at", "superseded_by_id", "created_at", "updated_at" FROM `exam_results`;--> statement-breakpoint
DROP TABLE `exam_results`;--> statement-breakpoint
ALTER TABLE `__new_exam_results` RENAME TO `exam_results`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `exam_results_cadre` ON `exam_results` (`cadre_id`,`status`);--> statement-breakpoint
CREATE INDEX `exam_results_status` ON `exam_results` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `exam_results_campaign` ON `exam_results` (`campaign_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `exam_results_chain_version` ON `exam_results` (`chain_id`,`version`);