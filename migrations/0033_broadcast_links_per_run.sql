DROP INDEX `broadcast_links_recipient_idx`;--> statement-breakpoint
ALTER TABLE `broadcast_links` ADD `run` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `broadcast_links_recipient_idx` ON `broadcast_links` (`broadcast_id`,`run`,`contact_id`,`url`);