DROP INDEX `cadres_unit`;--> statement-breakpoint
CREATE INDEX `cadres_cohort` ON `cadres` (`unit`,`clinic_id`,`category`,`managed_from`,`left_on`,`active`);--> statement-breakpoint
CREATE INDEX `exam_results_campaign_scope` ON `exam_results` (`campaign_id`,`status`,`exam_date`,`cadre_id`);