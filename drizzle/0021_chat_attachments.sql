ALTER TABLE `care_requests` ADD `attachments` text;--> statement-breakpoint
ALTER TABLE `handoff_messages` ADD `attachment` text;