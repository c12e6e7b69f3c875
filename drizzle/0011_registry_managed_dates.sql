ALTER TABLE `cadres` ADD `birth_date_precision` text DEFAULT 'day' NOT NULL;--> statement-breakpoint
ALTER TABLE `cadres` ADD `managed_from` text;--> statement-breakpoint
ALTER TABLE `cadres` ADD `left_on` text;--> statement-breakpoint
ALTER TABLE `cadres` ADD `left_reason` text;