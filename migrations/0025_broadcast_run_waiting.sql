ALTER TABLE `broadcast_runs` ADD `waiting_reason` text;--> statement-breakpoint
ALTER TABLE `broadcast_runs` ADD `waiting_until` integer;