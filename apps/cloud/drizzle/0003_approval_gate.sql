ALTER TABLE "campaigns" ADD COLUMN "approval_gate" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "approval_ahead" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "reviewed_by" text;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "proposed_condition" jsonb;