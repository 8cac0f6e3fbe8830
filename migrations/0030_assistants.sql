CREATE TABLE `ai_assistants` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`instructions` text DEFAULT '' NOT NULL,
	`channel_ids` text NOT NULL,
	`team_id` text,
	`activation` text DEFAULT 'always' NOT NULL,
	`keywords` text NOT NULL,
	`handoff_enabled` integer DEFAULT true NOT NULL,
	`handoff_message` text NOT NULL,
	`no_handoff_message` text NOT NULL,
	`max_turns` integer DEFAULT 10 NOT NULL,
	`collect_fields` text NOT NULL,
	`resolve_closes` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ai_assistants_workspace_idx` ON `ai_assistants` (`workspace_id`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `ai_assistant_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `ai_state` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `ai_turns` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `ai_context_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `conversations` ADD `ai_answered_seq` integer DEFAULT 0 NOT NULL;