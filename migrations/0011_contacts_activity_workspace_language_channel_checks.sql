ALTER TABLE `channels` ADD `checked_at` integer;--> statement-breakpoint
ALTER TABLE `channels` ADD `check_error` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `last_activity_at` integer;--> statement-breakpoint
ALTER TABLE `contacts` ADD `sort_name` text GENERATED ALWAYS AS (lower(coalesce(name, email, phone, ''))) VIRTUAL;--> statement-breakpoint
ALTER TABLE `contacts` ADD `sort_activity` integer GENERATED ALWAYS AS (coalesce(last_activity_at, created_at)) VIRTUAL;--> statement-breakpoint
CREATE INDEX `contacts_name_sort_idx` ON `contacts` (`workspace_id`,`sort_name`,`id`);--> statement-breakpoint
CREATE INDEX `contacts_activity_sort_idx` ON `contacts` (`workspace_id`,`sort_activity`,`id`);--> statement-breakpoint
ALTER TABLE `workspaces` ADD `language` text;