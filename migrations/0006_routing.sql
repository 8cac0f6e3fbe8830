ALTER TABLE `channels` ADD `routing` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `menu_attempts` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `away_notified_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `busy_notified_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_response_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_response_due_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `resolution_due_at` integer;--> statement-breakpoint
ALTER TABLE `teams` ADD `sla_first_response_minutes` integer;--> statement-breakpoint
ALTER TABLE `teams` ADD `sla_resolution_minutes` integer;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `business_hours_id` text;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `close_reasons` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `require_close_note` integer DEFAULT false NOT NULL;