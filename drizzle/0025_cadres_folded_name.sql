ALTER TABLE `cadres` ADD `folded_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `cadres` SET `folded_name` = vi_fold(`full_name`);--> statement-breakpoint
CREATE INDEX `cadres_folded_name` ON `cadres` (`folded_name`,`code`);--> statement-breakpoint
CREATE TRIGGER `cadres_folded_name_insert` AFTER INSERT ON `cadres` BEGIN
  UPDATE `cadres` SET `folded_name` = vi_fold(NEW.`full_name`) WHERE `id` = NEW.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `cadres_folded_name_rename` AFTER UPDATE OF `full_name` ON `cadres` BEGIN
  UPDATE `cadres` SET `folded_name` = vi_fold(NEW.`full_name`) WHERE `id` = NEW.`id`;
END;
