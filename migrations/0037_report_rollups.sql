CREATE TABLE `report_rollups` (
	`workspace_id` text NOT NULL,
	`metric` text NOT NULL,
	`dimension` text NOT NULL,
	`hour` integer NOT NULL,
	`bucket` integer NOT NULL,
	`count` integer NOT NULL,
	`seconds` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `metric`, `dimension`, `hour`, `bucket`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_response_by` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `closed_by` text;--> statement-breakpoint
-- conversations closed before this release: their last activity is the close
UPDATE `conversations` SET `closed_at` = `last_activity_at` WHERE `status` = 'closed';
