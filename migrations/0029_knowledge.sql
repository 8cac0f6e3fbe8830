CREATE TABLE `knowledge_chunks` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`source_id` text NOT NULL,
	`position` integer NOT NULL,
	`heading` text,
	`text` text NOT NULL,
	`embedding` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_id`) REFERENCES `knowledge_sources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `knowledge_chunks_source_idx` ON `knowledge_chunks` (`workspace_id`,`source_id`,`position`);--> statement-breakpoint
CREATE TABLE `knowledge_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`url` text,
	`file_name` text,
	`file_type` text,
	`content` text,
	`pairs` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`error` text,
	`content_hash` text,
	`chunk_count` integer DEFAULT 0 NOT NULL,
	`recrawl_hours` integer,
	`crawled_at` integer,
	`next_crawl_at` integer,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `knowledge_sources_workspace_idx` ON `knowledge_sources` (`workspace_id`,`id`);--> statement-breakpoint
CREATE INDEX `knowledge_sources_crawl_idx` ON `knowledge_sources` (`next_crawl_at`);--> statement-breakpoint
-- Full-text search over knowledge chunks (heading and text); kept in step with `knowledge_chunks` by triggers.
CREATE VIRTUAL TABLE `knowledge_chunks_fts` USING fts5(`heading`, `text`, content='knowledge_chunks', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `knowledge_chunks_fts_insert` AFTER INSERT ON `knowledge_chunks` BEGIN
  INSERT INTO `knowledge_chunks_fts`(rowid, `heading`, `text`) VALUES (new.rowid, new.`heading`, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `knowledge_chunks_fts_delete` AFTER DELETE ON `knowledge_chunks` BEGIN
  INSERT INTO `knowledge_chunks_fts`(`knowledge_chunks_fts`, rowid, `heading`, `text`) VALUES ('delete', old.rowid, old.`heading`, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `knowledge_chunks_fts_update` AFTER UPDATE OF `heading`, `text` ON `knowledge_chunks` BEGIN
  INSERT INTO `knowledge_chunks_fts`(`knowledge_chunks_fts`, rowid, `heading`, `text`) VALUES ('delete', old.rowid, old.`heading`, old.`text`);
  INSERT INTO `knowledge_chunks_fts`(rowid, `heading`, `text`) VALUES (new.rowid, new.`heading`, new.`text`);
END;
