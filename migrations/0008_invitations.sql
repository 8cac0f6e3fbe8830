CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`invited_by` text,
	`accepted_at` integer,
	`accepted_by` text,
	`revoked_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`accepted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invitations_workspace_idx` ON `invitations` (`workspace_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_open_idx` ON `invitations` (`workspace_id`,`email`) WHERE accepted_at IS NULL AND revoked_at IS NULL;--> statement-breakpoint
-- Data migration (keep when regenerating): every pending membership becomes an invitation of
-- its workspace with the same token hash, so unexpired invitation links keep working; the
-- pending membership, its sessions and its team places go away.
INSERT INTO `invitations` (`id`, `workspace_id`, `email`, `role`, `token_hash`, `expires_at`, `created_at`)
SELECT 'inv_' || upper(hex(randomblob(13))), m.`workspace_id`, u.`email`, m.`role`, m.`invite_token_hash`, coalesce(m.`invite_expires_at`, 0), m.`created_at`
FROM `memberships` m JOIN `users` u ON u.`id` = m.`user_id`
WHERE m.`invite_token_hash` IS NOT NULL;--> statement-breakpoint
DELETE FROM `sessions` WHERE EXISTS (
  SELECT 1 FROM `memberships` m
  WHERE m.`invite_token_hash` IS NOT NULL AND m.`workspace_id` = `sessions`.`workspace_id` AND m.`user_id` = `sessions`.`user_id`
);--> statement-breakpoint
DELETE FROM `team_members` WHERE EXISTS (
  SELECT 1 FROM `memberships` m
  WHERE m.`invite_token_hash` IS NOT NULL AND m.`workspace_id` = `team_members`.`workspace_id` AND m.`user_id` = `team_members`.`user_id`
);--> statement-breakpoint
DELETE FROM `memberships` WHERE `invite_token_hash` IS NOT NULL;--> statement-breakpoint
DROP INDEX `memberships_invite_idx`;--> statement-breakpoint
ALTER TABLE `memberships` DROP COLUMN `invite_token_hash`;--> statement-breakpoint
ALTER TABLE `memberships` DROP COLUMN `invite_expires_at`;