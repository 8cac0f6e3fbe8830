ALTER TABLE `knowledge_chunks` ADD `embedding_model` text;--> statement-breakpoint
ALTER TABLE `knowledge_sources` ADD `embedded_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `knowledge_sources` ADD `embedding_model` text;--> statement-breakpoint
ALTER TABLE `knowledge_sources` ADD `embedding_error` text;--> statement-breakpoint
ALTER TABLE `knowledge_sources` ADD `embed_at` integer;--> statement-breakpoint
CREATE INDEX `knowledge_sources_embed_idx` ON `knowledge_sources` (`embed_at`);