DROP INDEX `saved_views_name_idx`;--> statement-breakpoint
ALTER TABLE `saved_views` ADD `screen` text DEFAULT 'inbox' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `saved_views_name_idx` ON `saved_views` (`workspace_id`,`user_id`,`screen`,`name`);--> statement-breakpoint
ALTER TABLE `messages` ADD `origin` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `sender_name` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `status` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `attachment_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_outbound_idx` ON `messages` (`workspace_id`,`id`) WHERE "origin" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_outbound_status_idx` ON `messages` (`workspace_id`,`status`,`id`) WHERE "origin" IS NOT NULL;--> statement-breakpoint
-- messages written before the history knew their origin: a person's are by hand, the rest Conversa's
UPDATE `messages` SET `origin` = CASE `sender_type` WHEN 'agent' THEN 'agent' ELSE 'bot' END, `attachment_count` = CASE `kind` WHEN 'file' THEN 1 ELSE 0 END WHERE `sender_type` IN ('agent', 'bot') AND `kind` IN ('text', 'file');
