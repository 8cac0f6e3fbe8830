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
-- Data migration (keep when regenerating): a key made with another key acts for the person
-- behind that key (found through the audit log, along chains of keys); a key no person can be
-- found behind is revoked, and the revocation is in the audit log.
WITH RECURSIVE
  `made_by`(`key_id`, `parent_id`) AS (
    SELECT `target_id`, `actor_id` FROM `audit_log`
    WHERE `action` = 'api_key.created' AND `actor_type` = 'api_key'
  ),
  `behind`(`key_id`, `user_id`) AS (
    SELECT `id`, `created_by` FROM `api_keys` WHERE `created_by` IS NOT NULL
    UNION
    SELECT `made_by`.`key_id`, `behind`.`user_id` FROM `made_by` JOIN `behind` ON `behind`.`key_id` = `made_by`.`parent_id`
  )
UPDATE `api_keys` SET `created_by` = (SELECT `user_id` FROM `behind` WHERE `behind`.`key_id` = `api_keys`.`id` LIMIT 1)
WHERE `created_by` IS NULL;--> statement-breakpoint
INSERT INTO `audit_log` (`id`, `workspace_id`, `actor_type`, `actor_id`, `action`, `target_type`, `target_id`, `changes`, `created_at`)
SELECT 'aud_' || upper(hex(randomblob(13))), `workspace_id`, 'system', NULL, 'api_key.revoked', 'api_key', `id`, '{"reason":"no person behind the key"}', CAST(unixepoch('subsec') * 1000 AS INTEGER)
FROM `api_keys` WHERE `created_by` IS NULL AND `revoked_at` IS NULL;--> statement-breakpoint
UPDATE `api_keys` SET `revoked_at` = CAST(unixepoch('subsec') * 1000 AS INTEGER)
WHERE `created_by` IS NULL AND `revoked_at` IS NULL;--> statement-breakpoint
DROP INDEX `memberships_invite_idx`;--> statement-breakpoint
ALTER TABLE `memberships` DROP COLUMN `invite_token_hash`;--> statement-breakpoint
ALTER TABLE `memberships` DROP COLUMN `invite_expires_at`;