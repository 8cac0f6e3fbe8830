CREATE TABLE `ai_settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`base_url` text NOT NULL,
	`model` text NOT NULL,
	`embedding_model` text NOT NULL,
	`api_key` text,
	`api_key_last4` text,
	`monthly_token_budget` integer,
	`conversation_token_budget` integer,
	`timeout_ms` integer NOT NULL,
	`redact_pii` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ai_usage` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text,
	`feature` text NOT NULL,
	`model` text NOT NULL,
	`prompt_tokens` integer NOT NULL,
	`completion_tokens` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `ai_usage_at_idx` ON `ai_usage` (`workspace_id`,`at`);--> statement-breakpoint
CREATE INDEX `ai_usage_conversation_idx` ON `ai_usage` (`workspace_id`,`conversation_id`);