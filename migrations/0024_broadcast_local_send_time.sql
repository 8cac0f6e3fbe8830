ALTER TABLE `broadcast_recipients` ADD `due_at` integer;--> statement-breakpoint
CREATE INDEX `broadcast_recipients_due_idx` ON `broadcast_recipients` (`due_at`) WHERE due_at IS NOT NULL;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `send_at_local` text;