ALTER TABLE `automations` ADD `webhook_token` text;--> statement-breakpoint
ALTER TABLE `automations` ADD `schedule_slot` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `automations_webhook_token_idx` ON `automations` (`webhook_token`);