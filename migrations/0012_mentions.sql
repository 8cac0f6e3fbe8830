CREATE TABLE `mentions` (
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`mentioned_user_id` text NOT NULL,
	`by_user_id` text,
	`created_at` integer NOT NULL,
	`read_at` integer,
	PRIMARY KEY(`conversation_id`, `seq`, `mentioned_user_id`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`mentioned_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mentions_user_idx` ON `mentions` (`workspace_id`,`mentioned_user_id`,`created_at`);