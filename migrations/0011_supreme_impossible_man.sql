ALTER TABLE `channels` ADD `checked_at` integer;--> statement-breakpoint
ALTER TABLE `channels` ADD `check_error` text;