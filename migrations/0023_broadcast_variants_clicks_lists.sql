CREATE TABLE `broadcast_links` (
	`code` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`broadcast_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`url` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `broadcast_links_recipient_idx` ON `broadcast_links` (`broadcast_id`,`contact_id`,`url`);--> statement-breakpoint
CREATE TABLE `broadcast_members` (
	`workspace_id` text NOT NULL,
	`broadcast_id` text NOT NULL,
	`contact_id` text NOT NULL,
	PRIMARY KEY(`broadcast_id`, `contact_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`broadcast_id`) REFERENCES `broadcasts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `broadcast_recipients` ADD `variant` text;--> statement-breakpoint
ALTER TABLE `broadcast_recipients` ADD `clicked_at` integer;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `variants` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `split` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `winner` text;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `winner_at` integer;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `track_clicks` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `broadcasts` ADD `link_origin` text;