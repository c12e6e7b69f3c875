ALTER TABLE `bookings` ADD `confirmation` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `confirmed_at` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `check_in_code` text;--> statement-breakpoint
ALTER TABLE `bookings` ADD `queue_number` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `checked_in_at` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `called_at` integer;--> statement-breakpoint
ALTER TABLE `bookings` ADD `near_turn_at` integer;