CREATE TABLE `message_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`channel_kind` text NOT NULL,
	`area` text,
	`language` text,
	`body` text NOT NULL,
	`subject` text,
	`html` text,
	`title` text,
	`url` text,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_templates_name_idx` ON `message_templates` (`workspace_id`,`channel_kind`,`name`);