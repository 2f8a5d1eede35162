CREATE TABLE `commands` (
	`id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL,
	`type` text,
	`payload` text NOT NULL,
	`ack` text
);
--> statement-breakpoint
CREATE INDEX `commands_pending_idx` ON `commands` (`ack`,`received_at`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`topic` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `queue` (
	`experiment_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`position` integer NOT NULL,
	`condition` text NOT NULL,
	`campaign_id` text,
	`status` text NOT NULL,
	`stage` text,
	`updated_at` integer NOT NULL,
	`result_id` text,
	PRIMARY KEY(`experiment_id`, `attempt`),
	CONSTRAINT "queue_status_check" CHECK(status IN ('queued', 'running', 'done', 'failed', 'aborted', 'cancelled'))
);
--> statement-breakpoint
CREATE INDEX `queue_status_position_idx` ON `queue` (`status`,`position`);--> statement-breakpoint
CREATE TABLE `transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` text,
	`attempt` integer,
	`from_state` text NOT NULL,
	`to_state` text NOT NULL,
	`at` integer NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `transitions_experiment_idx` ON `transitions` (`experiment_id`,`attempt`);