CREATE TABLE `ai_assistant_activity` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text,
	`assistant_id` text,
	`kind` text NOT NULL,
	`by` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `ai_assistant_activity_at_idx` ON `ai_assistant_activity` (`workspace_id`,`at`);--> statement-breakpoint
DROP INDEX `contacts_created_idx`;--> statement-breakpoint
ALTER TABLE `contacts` ADD `source` text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
CREATE INDEX `contacts_created_source_idx` ON `contacts` (`workspace_id`,`created_at`,`source`);--> statement-breakpoint
CREATE INDEX `ai_calls_workspace_at_idx` ON `ai_calls` (`workspace_id`,`at`);--> statement-breakpoint
CREATE INDEX `automation_runs_started_idx` ON `automation_runs` (`workspace_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `broadcast_runs_started_idx` ON `broadcast_runs` (`workspace_id`,`started_at`);--> statement-breakpoint
-- contacts made before sources were kept: the channel of their first identity, else of their
-- first conversation, else a person made them
UPDATE `contacts` SET `source` = coalesce(
	(SELECT substr(i.`kind`, 1, instr(i.`kind`, ':') - 1) FROM `contact_identities` i
		WHERE i.`contact_id` = `contacts`.`id`
		AND substr(i.`kind`, 1, instr(i.`kind`, ':') - 1) IN ('webchat', 'whatsapp', 'messenger', 'instagram', 'telegram', 'twilio_sms', 'email', 'custom', 'web_push')
		ORDER BY i.`rowid` LIMIT 1),
	(SELECT ch.`type` FROM `conversations` c JOIN `channels` ch ON ch.`id` = c.`channel_id`
		WHERE c.`workspace_id` = `contacts`.`workspace_id` AND c.`contact_id` = `contacts`.`id`
		ORDER BY c.`created_at` LIMIT 1),
	'manual'
);
