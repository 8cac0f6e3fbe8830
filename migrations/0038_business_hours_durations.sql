ALTER TABLE `conversations` ADD `first_response_business_ms` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `resolution_business_ms` integer;