CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"reason" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"owner" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"status_reason" text,
	"space" jsonb NOT NULL,
	"objective" jsonb NOT NULL,
	"schedule" jsonb NOT NULL,
	"prior" jsonb,
	"optimizer" jsonb,
	"seed" integer NOT NULL,
	"target_platform" text,
	"target_pool" text,
	"platform_id" text,
	"queue_position" integer DEFAULT 0 NOT NULL,
	"queue_depth" integer DEFAULT 2 NOT NULL,
	"max_consecutive_failures" integer DEFAULT 3 NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"planned" integer NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "commands" (
	"id" uuid PRIMARY KEY NOT NULL,
	"platform_id" text NOT NULL,
	"type" text NOT NULL,
	"body" jsonb NOT NULL,
	"payload" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"send_count" integer DEFAULT 0 NOT NULL,
	"acked_at" timestamp with time zone,
	"accepted" boolean,
	"ack_reason" text,
	"ack_detail" text
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"envelope_id" uuid,
	"source" text NOT NULL,
	"platform_id" text,
	"campaign_id" text,
	"experiment_id" text,
	"type" text NOT NULL,
	"severity" text DEFAULT 'info' NOT NULL,
	"body" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_envelope_id_unique" UNIQUE("envelope_id")
);
--> statement-breakpoint
CREATE TABLE "experiments" (
	"id" text PRIMARY KEY NOT NULL,
	"campaign_id" text NOT NULL,
	"seq" integer NOT NULL,
	"suggestion_id" text NOT NULL,
	"platform_id" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"cube" jsonb NOT NULL,
	"condition" jsonb NOT NULL,
	"policy" text NOT NULL,
	"stage" integer NOT NULL,
	"acquisition_value" double precision,
	"predicted_mean" double precision,
	"predicted_std" double precision,
	"model_version" integer,
	"command_id" uuid,
	"failure" jsonb,
	"value" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dispatched_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"told_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_snapshots" (
	"campaign_id" text NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"command_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_snapshots_campaign_id_version_pk" PRIMARY KEY("campaign_id","version")
);
--> statement-breakpoint
CREATE TABLE "platforms" (
	"id" text PRIMARY KEY NOT NULL,
	"pool" text,
	"secret_hash" text,
	"credentials_issued_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"status" text DEFAULT 'unknown' NOT NULL,
	"session" integer,
	"birth" jsonb,
	"stage" text,
	"safe" boolean,
	"safe_reason" text,
	"telemetry" jsonb,
	"last_seen_at" timestamp with time zone,
	"last_state_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "results" (
	"id" uuid PRIMARY KEY NOT NULL,
	"experiment_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"platform_id" text NOT NULL,
	"status" text NOT NULL,
	"features" jsonb,
	"spectra" jsonb,
	"flow_plan" jsonb,
	"timings" jsonb NOT NULL,
	"steady_state" jsonb,
	"failure" jsonb,
	"warnings" jsonb NOT NULL,
	"body" jsonb NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_states" (
	"campaign_id" text NOT NULL,
	"version" integer NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "study_states_campaign_id_version_pk" PRIMARY KEY("campaign_id","version")
);
--> statement-breakpoint
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_snapshots" ADD CONSTRAINT "model_snapshots_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results" ADD CONSTRAINT "results_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_states" ADD CONSTRAINT "study_states_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaigns_platform_status" ON "campaigns" USING btree ("target_platform","status","queue_position");--> statement-breakpoint
CREATE INDEX "commands_unacked" ON "commands" USING btree ("platform_id","acked_at");--> statement-breakpoint
CREATE INDEX "events_platform" ON "events" USING btree ("platform_id","id");--> statement-breakpoint
CREATE INDEX "events_campaign" ON "events" USING btree ("campaign_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "experiments_campaign_seq" ON "experiments" USING btree ("campaign_id","seq");--> statement-breakpoint
CREATE INDEX "experiments_platform_status" ON "experiments" USING btree ("platform_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "results_experiment_attempt" ON "results" USING btree ("experiment_id","attempt");