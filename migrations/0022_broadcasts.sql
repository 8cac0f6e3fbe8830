CREATE TABLE `broadcast_recipients` (
	`workspace_id` text NOT NULL,
	`broadcast_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`round` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`message_id` text,
	`conversation_id` text,
	`seq` integer,
	`sent_at` integer,
	`delivered_at` integer,
	`read_at` integer,
	`replied_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`broadcast_id`, `contact_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `broadcast_recipients_status_idx` ON `broadcast_recipients` (`workspace_id`,`broadcast_id`,`status`);--> statement-breakpoint
CREATE INDEX `broadcast_recipients_conversation_idx` ON `broadcast_recipients` (`conversation_id`,`seq`) WHERE conversation_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `broadcasts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`channel_id` text NOT NULL,
	`audience` text NOT NULL,
	`message` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`send_at` integer,
	`started_at` integer,
	`expanded_at` integer,
	`finished_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `broadcasts_workspace_idx` ON `broadcasts` (`workspace_id`,`id`);--> statement-breakpoint
CREATE INDEX `broadcasts_due_idx` ON `broadcasts` (`status`,`send_at`);