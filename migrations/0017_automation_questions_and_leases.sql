CREATE TABLE `automation_answers` (
	`message_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`run_id` text NOT NULL,
	`step_id` text NOT NULL,
	`seq` integer NOT NULL,
	`text` text NOT NULL,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`run_id`) REFERENCES `automation_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `automation_answers_run_idx` ON `automation_answers` (`run_id`,`step_id`,`seq`);--> statement-breakpoint
ALTER TABLE `automation_run_steps` ADD `lease_until` integer;--> statement-breakpoint
ALTER TABLE `automation_runs` ADD `asking_in` text;--> statement-breakpoint
ALTER TABLE `automation_runs` ADD `asked_seq` integer;--> statement-breakpoint
CREATE INDEX `automation_runs_status_updated_idx` ON `automation_runs` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `automation_runs_status_resume_idx` ON `automation_runs` (`status`,`resume_at`);--> statement-breakpoint
CREATE INDEX `automation_runs_asking_idx` ON `automation_runs` (`asking_in`,`status`) WHERE asking_in IS NOT NULL;