DROP INDEX `contact_identities_contact_idx`;--> statement-breakpoint
CREATE INDEX `contact_identities_contact_idx` ON `contact_identities` (`contact_id`,`workspace_id`,`kind`);