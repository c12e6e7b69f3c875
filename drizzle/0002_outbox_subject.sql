ALTER TABLE `outbox` ADD `subject` text;--> statement-breakpoint
CREATE INDEX `outbox_subject` ON `outbox` (`subject`);