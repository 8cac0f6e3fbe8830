ALTER TABLE `conversations` ADD `number` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `conversations` SET `number` = (
  SELECT COUNT(*) FROM `conversations` AS `earlier`
  WHERE `earlier`.`workspace_id` = `conversations`.`workspace_id`
    AND (`earlier`.`created_at` < `conversations`.`created_at`
      OR (`earlier`.`created_at` = `conversations`.`created_at` AND `earlier`.`id` <= `conversations`.`id`))
);--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_number_idx` ON `conversations` (`workspace_id`,`number`);
