CREATE TABLE `ai_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`usage_id` text,
	`conversation_id` text,
	`feature` text NOT NULL,
	`model` text NOT NULL,
	`messages` text NOT NULL,
	`answer` text,
	`truncated` integer DEFAULT false NOT NULL,
	`redacted` integer DEFAULT false NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`outcome` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `ai_calls_workspace_idx` ON `ai_calls` (`workspace_id`,`id`);--> statement-breakpoint
CREATE INDEX `ai_calls_conversation_idx` ON `ai_calls` (`workspace_id`,`conversation_id`);--> statement-breakpoint
CREATE INDEX `ai_calls_at_idx` ON `ai_calls` (`at`);