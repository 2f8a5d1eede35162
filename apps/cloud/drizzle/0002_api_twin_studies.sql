CREATE TABLE "lab_studies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"owner" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"objective" jsonb NOT NULL,
	"schedule" jsonb NOT NULL,
	"surrogate" text,
	"seed" integer NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "lab_study_states" (
	"study_id" text NOT NULL,
	"version" integer NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lab_study_states_study_id_version_pk" PRIMARY KEY("study_id","version")
);
--> statement-breakpoint
CREATE TABLE "lab_trials" (
	"study_id" text NOT NULL,
	"id" text NOT NULL,
	"seq" integer NOT NULL,
	"params" jsonb NOT NULL,
	"cube" jsonb NOT NULL,
	"policy" text NOT NULL,
	"stage" integer NOT NULL,
	"predicted_mean" double precision,
	"predicted_std" double precision,
	"model_version" integer,
	"status" text DEFAULT 'pending' NOT NULL,
	"value" double precision,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"told_at" timestamp with time zone,
	CONSTRAINT "lab_trials_study_id_id_pk" PRIMARY KEY("study_id","id")
);
--> statement-breakpoint
CREATE TABLE "twin_reports" (
	"campaign_id" text NOT NULL,
	"version" integer NOT NULL,
	"report" jsonb NOT NULL,
	"compute_ms" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "twin_reports_campaign_id_version_pk" PRIMARY KEY("campaign_id","version")
);
--> statement-breakpoint
ALTER TABLE "lab_study_states" ADD CONSTRAINT "lab_study_states_study_id_lab_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."lab_studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_trials" ADD CONSTRAINT "lab_trials_study_id_lab_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."lab_studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twin_reports" ADD CONSTRAINT "twin_reports_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lab_trials_seq" ON "lab_trials" USING btree ("study_id","seq");