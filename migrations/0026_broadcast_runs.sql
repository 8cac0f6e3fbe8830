CREATE TABLE `broadcast_runs` (
	`workspace_id` text NOT NULL,
	`broadcast_id` text NOT NULL,
	`run` integer NOT NULL,
	`period_key` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`started_at` integer NOT NULL,
	`expanded_at` integer,
	`finished_at` integer,
	`waiting_reason` text,
	`waiting_until` integer,
	PRIMARY KEY(`broadcast_id`, `run`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `broadcast_runs_period_idx` ON `broadcast_runs` (`broadcast_id`,`period_key`);--> statement-breakpoint
CREATE INDEX `broadcast_runs_workspace_idx` ON `broadcast_runs` (`workspace_id`,`broadcast_id`);--> statement-breakpoint
INSERT INTO `broadcast_runs`("workspace_id", "broadcast_id", "run", "period_key", "status", "started_at", "expanded_at", "finished_at") SELECT "workspace_id", "id", 1, 'once', "status", "started_at", "expanded_at", "finished_at" FROM `broadcasts` WHERE "started_at" IS NOT NULL AND "status" IN ('running', 'paused', 'completed', 'cancelled');--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_broadcast_recipients` (
	`workspace_id` text NOT NULL,
	`broadcast_id` text NOT NULL,
	`run` integer DEFAULT 1 NOT NULL,
	`contact_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`round` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`message_id` text,
	`conversation_id` text,
	`seq` integer,
	`due_at` integer,
	`sent_at` integer,
	`delivered_at` integer,
	`read_at` integer,
	`replied_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`variant` text,
	`clicked_at` integer,
	PRIMARY KEY(`broadcast_id`, `run`, `contact_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_broadcast_recipients`("workspace_id", "broadcast_id", "run", "contact_id", "status", "reason", "attempts", "round", "lease_until", "message_id", "conversation_id", "seq", "due_at", "sent_at", "delivered_at", "read_at", "replied_at", "created_at", "updated_at", "variant", "clicked_at") SELECT "workspace_id", "broadcast_id", 1, "contact_id", "status", "reason", "attempts", "round", "lease_until", "message_id", "conversation_id", "seq", NULL, "sent_at", "delivered_at", "read_at", "replied_at", "created_at", "updated_at", "variant", "clicked_at" FROM `broadcast_recipients`;--> statement-breakpoint
DROP TABLE `broadcast_recipients`;--> statement-breakpoint
ALTER TABLE `__new_broadcast_recipients` RENAME TO `broadcast_recipients`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `broadcast_recipients_status_idx` ON `broadcast_recipients` (`workspace_id`,`broadcast_id`,`run`,`status`);--> statement-breakpoint
CREATE INDEX `broadcast_recipients_due_idx` ON `broadcast_recipients` (`due_at`) WHERE due_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `broadcast_recipients_conversation_idx` ON `broadcast_recipients` (`conversation_id`,`seq`) WHERE conversation_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `recurrence` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `send_at_local` text;--> statement-breakpoint
ALTER TABLE `broadcasts` DROP COLUMN `expanded_at`;