CREATE TABLE `channel_messages` (
	`channel_id` text NOT NULL,
	`external_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`direction` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`channel_id`, `external_id`),
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `channel_messages_conversation_idx` ON `channel_messages` (`conversation_id`,`seq`);--> statement-breakpoint
CREATE TABLE `email_sends` (
	`channel_id` text NOT NULL,
	`sender` text NOT NULL,
	`message_key` text NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `message_key`),
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `email_sends_sender_idx` ON `email_sends` (`channel_id`,`sender`,`sent_at`);--> statement-breakpoint
CREATE TABLE `whatsapp_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`name` text NOT NULL,
	`language` text NOT NULL,
	`category` text,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`variable_count` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whatsapp_templates_name_idx` ON `whatsapp_templates` (`channel_id`,`name`,`language`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `last_inbound_at` integer;