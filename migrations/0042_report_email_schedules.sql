CREATE TABLE `report_email_schedules` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`recipient_ids` text NOT NULL,
	`frequency` text NOT NULL,
	`weekday` integer NOT NULL,
	`time` text NOT NULL,
	`enabled` integer NOT NULL,
	`last_sent_period` text,
	`last_sent_at` integer,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
