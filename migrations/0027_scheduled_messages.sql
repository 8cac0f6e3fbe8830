CREATE TABLE `scheduled_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`conversation_id` text,
	`message` text NOT NULL,
	`attachment` text,
	`open_conversation` integer NOT NULL,
	`fallback_template` text,
	`requested_at` integer NOT NULL,
	`send_at` integer NOT NULL,
	`business_hours_id` text,
	`repeat` text,
	`series_id` text NOT NULL,
	`occurrence` integer DEFAULT 0 NOT NULL,
	`sequence_id` text,
	`step` integer,
	`cancel_on_reply` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`message_id` text,
	`sent_conversation_id` text,
	`sender_name` text NOT NULL,
	`origin` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scheduled_messages_calendar_idx` ON `scheduled_messages` (`workspace_id`,`send_at`);--> statement-breakpoint
CREATE INDEX `scheduled_messages_due_idx` ON `scheduled_messages` (`status`,`send_at`);--> statement-breakpoint
CREATE INDEX `scheduled_messages_contact_idx` ON `scheduled_messages` (`workspace_id`,`contact_id`,`status`);--> statement-breakpoint
CREATE INDEX `scheduled_messages_sequence_idx` ON `scheduled_messages` (`workspace_id`,`sequence_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `scheduled_messages_series_idx` ON `scheduled_messages` (`series_id`,`occurrence`);