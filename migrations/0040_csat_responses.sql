CREATE TABLE `csat_responses` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`agent_id` text,
	`scale` text NOT NULL,
	`stage` text DEFAULT 'asked' NOT NULL,
	`score` integer,
	`comment` text,
	`language` text NOT NULL,
	`closed_at` integer NOT NULL,
	`asked_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `csat_responses_close_idx` ON `csat_responses` (`workspace_id`,`conversation_id`,`closed_at`);--> statement-breakpoint
CREATE INDEX `csat_responses_contact_idx` ON `csat_responses` (`workspace_id`,`contact_id`,`channel_id`,`asked_at`);--> statement-breakpoint
CREATE INDEX `csat_responses_asked_idx` ON `csat_responses` (`workspace_id`,`asked_at`);