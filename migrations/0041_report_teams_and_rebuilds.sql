CREATE TABLE `report_rebuilds` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`rebuilt_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_response_team_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `first_response_sla_met` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `closed_team_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `resolution_sla_met` integer;