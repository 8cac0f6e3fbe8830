CREATE TABLE `business_hours` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`timezone` text NOT NULL,
	`weekly` text NOT NULL,
	`closures` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `business_hours_workspace_idx` ON `business_hours` (`workspace_id`,`id`);--> statement-breakpoint
CREATE TABLE `team_members` (
	`workspace_id` text NOT NULL,
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `team_members_user_idx` ON `team_members` (`workspace_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`welcome_message` text,
	`away_message` text,
	`busy_message` text,
	`assignment` text DEFAULT 'manual' NOT NULL,
	`business_hours_id` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`business_hours_id`) REFERENCES `business_hours`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_name_idx` ON `teams` (`workspace_id`,`name`);--> statement-breakpoint
ALTER TABLE `memberships` ADD `capacity` integer DEFAULT 5 NOT NULL;--> statement-breakpoint
CREATE INDEX `conversations_team_queue_idx` ON `conversations` (`workspace_id`,`team_id`,`status`,`assignee_id`,`created_at`);