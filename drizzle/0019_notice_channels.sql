CREATE TABLE `notice_sends` (
	`outbox_id` integer PRIMARY KEY NOT NULL,
	`cadre_id` integer NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`template_id` text,
	`zalo_user_id` text,
	`phone` text,
	`tracking_id` text,
	`message_id` text,
	`cost_vnd` integer DEFAULT 0 NOT NULL,
	`reason` text,
	`sent_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notice_sends_tracking` ON `notice_sends` (`tracking_id`);--> statement-breakpoint
CREATE INDEX `notice_sends_message` ON `notice_sends` (`message_id`);--> statement-breakpoint
CREATE INDEX `notice_sends_sent` ON `notice_sends` (`sent_at`);--> statement-breakpoint
CREATE INDEX `notice_sends_cadre` ON `notice_sends` (`cadre_id`);--> statement-breakpoint
CREATE TABLE `notice_templates` (
	`name` text PRIMARY KEY NOT NULL,
	`template_id` text NOT NULL,
	`status` text DEFAULT 'approved' NOT NULL,
	`approved_on` text,
	`params` text DEFAULT '[]' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by_staff_id` integer,
	FOREIGN KEY (`updated_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`campaign_id` integer NOT NULL,
	`cadre_id` integer NOT NULL,
	`phone` text NOT NULL,
	`outbox_id` integer NOT NULL,
	`invited_at` integer NOT NULL,
	`invited_by_staff_id` integer,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cadre_id`) REFERENCES `cadres`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by_staff_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_campaign_cadre` ON `invitations` (`campaign_id`,`cadre_id`);--> statement-breakpoint
CREATE INDEX `invitations_phone` ON `invitations` (`phone`);--> statement-breakpoint
CREATE TABLE `template_quota` (
	`day` text PRIMARY KEY NOT NULL,
	`daily_quota` integer NOT NULL,
	`remaining` integer NOT NULL,
	`updated_at` integer NOT NULL
);
