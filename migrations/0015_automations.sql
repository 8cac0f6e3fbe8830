CREATE TABLE `automation_run_steps` (
	`workspace_id` text NOT NULL,
	`run_id` text NOT NULL,
	`step_id` text NOT NULL,
	`iteration` integer DEFAULT 0 NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`input` text,
	`output` text,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`run_id`, `step_id`, `iteration`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`run_id`) REFERENCES `automation_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `automation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`automation_id` text NOT NULL,
	`version_id` text NOT NULL,
	`trigger_event_id` text NOT NULL,
	`trigger` text NOT NULL,
	`contact_id` text,
	`conversation_id` text,
	`status` text NOT NULL,
	`cursor` text,
	`resume_at` integer,
	`attempt` integer DEFAULT 0 NOT NULL,
	`vars` text DEFAULT '{}' NOT NULL,
	`chain` text DEFAULT '[]' NOT NULL,
	`messages_sent` integer DEFAULT 0 NOT NULL,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`automation_id`) REFERENCES `automations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `automation_runs_event_idx` ON `automation_runs` (`automation_id`,`trigger_event_id`);--> statement-breakpoint
CREATE INDEX `automation_runs_list_idx` ON `automation_runs` (`workspace_id`,`automation_id`,`id`);--> statement-breakpoint
CREATE INDEX `automation_runs_contact_idx` ON `automation_runs` (`workspace_id`,`automation_id`,`contact_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `automation_settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`quiet_from` text,
	`quiet_to` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `automation_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`automation_id` text NOT NULL,
	`version` integer NOT NULL,
	`trigger_type` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`automation_id`) REFERENCES `automations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `automation_versions_number_idx` ON `automation_versions` (`automation_id`,`version`);--> statement-breakpoint
CREATE TABLE `automations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`version_id` text NOT NULL,
	`version` integer NOT NULL,
	`webhook_secret` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `automations_workspace_idx` ON `automations` (`workspace_id`,`id`);--> statement-breakpoint
CREATE INDEX `automations_status_idx` ON `automations` (`workspace_id`,`status`);