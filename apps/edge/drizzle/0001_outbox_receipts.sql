ALTER TABLE `outbox` ADD `envelope_id` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `broker_acked_at` integer;--> statement-breakpoint
CREATE INDEX `outbox_envelope_id_idx` ON `outbox` (`envelope_id`);