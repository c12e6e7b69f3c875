DROP INDEX `exam_results_campaign`;--> statement-breakpoint
CREATE INDEX `exam_results_campaign` ON `exam_results` (`campaign_id`,`cadre_id`);--> statement-breakpoint
CREATE INDEX `cadres_unit` ON `cadres` (`unit`);--> statement-breakpoint
CREATE INDEX `bookings_campaign_status` ON `bookings` (`campaign_id`,`status`,`cadre_id`);