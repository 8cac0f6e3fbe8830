CREATE TABLE `conversation_transitions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`agent_id` text,
	`team_id` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversation_transitions_conversation_idx` ON `conversation_transitions` (`workspace_id`,`conversation_id`);