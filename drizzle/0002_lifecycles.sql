CREATE TABLE "lifecycle_allowed_transitions" (
	"lifecycle" text NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	CONSTRAINT "lifecycle_allowed_transitions_lifecycle_from_status_to_status_pk" PRIMARY KEY("lifecycle","from_status","to_status")
);--> statement-breakpoint
CREATE TABLE "lifecycle_statuses" (
	"lifecycle" text NOT NULL,
	"status" text NOT NULL,
	"terminal" boolean NOT NULL,
	CONSTRAINT "lifecycle_statuses_lifecycle_status_pk" PRIMARY KEY("lifecycle","status")
);--> statement-breakpoint
CREATE TABLE "lifecycle_transitions" (
	"lifecycle" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"version" bigint NOT NULL,
	"org_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor" text NOT NULL,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lifecycle_transitions_lifecycle_entity_id_version_pk" PRIMARY KEY("lifecycle","entity_id","version")
);--> statement-breakpoint
ALTER TABLE "lifecycle_allowed_transitions" ADD CONSTRAINT "lifecycle_allowed_from_fk" FOREIGN KEY ("lifecycle","from_status") REFERENCES "public"."lifecycle_statuses"("lifecycle","status") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle_allowed_transitions" ADD CONSTRAINT "lifecycle_allowed_to_fk" FOREIGN KEY ("lifecycle","to_status") REFERENCES "public"."lifecycle_statuses"("lifecycle","status") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle_transitions" ADD CONSTRAINT "lifecycle_transitions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle_transitions" ADD CONSTRAINT "lifecycle_transitions_allowed_fk" FOREIGN KEY ("lifecycle","from_status","to_status") REFERENCES "public"."lifecycle_allowed_transitions"("lifecycle","from_status","to_status") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lifecycle_transitions" ADD CONSTRAINT "lifecycle_transitions_status_fk" FOREIGN KEY ("lifecycle","to_status") REFERENCES "public"."lifecycle_statuses"("lifecycle","status") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- History moves to the shared tables; the run lifecycle's rows are kept as they were.
INSERT INTO "lifecycle_statuses" ("lifecycle", "status", "terminal")
SELECT 'run', s::text, s::text IN ('SUCCEEDED', 'FAILED', 'CANCELLED') FROM unnest(enum_range(NULL::run_status)) AS s;--> statement-breakpoint
INSERT INTO "lifecycle_allowed_transitions" ("lifecycle", "from_status", "to_status")
SELECT 'run', "from_status"::text, "to_status"::text FROM "run_allowed_transitions";--> statement-breakpoint
INSERT INTO "lifecycle_transitions" ("lifecycle", "entity_id", "version", "org_id", "from_status", "to_status", "actor", "reason", "at")
SELECT 'run', "run_id", "version", "org_id", "from_status"::text, "to_status"::text, "actor", "reason", "at" FROM "run_transitions";--> statement-breakpoint
DROP TABLE "run_transitions";--> statement-breakpoint
DROP TABLE "run_allowed_transitions";--> statement-breakpoint
DROP INDEX "runs_due_idx";--> statement-breakpoint
ALTER TABLE "runs" ALTER COLUMN "status" SET DATA TYPE text USING "status"::text;--> statement-breakpoint
ALTER TABLE "runs" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "runs" ALTER COLUMN "next_check_at" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "remote_state" text DEFAULT 'NONE' NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "placement" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "max_retries" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "retry_on_failure" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "exit_signal" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cancelled_by" text;--> statement-breakpoint
-- Nothing left for a runner to do on finished runs or on runs logged from outside.
UPDATE "runs" SET "next_check_at" = NULL WHERE "status" IN ('SUCCEEDED', 'FAILED', 'CANCELLED') OR "executor" = 'none';--> statement-breakpoint
CREATE INDEX "lifecycle_transitions_org_idx" ON "lifecycle_transitions" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "runs_due_idx" ON "runs" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
DROP TYPE "public"."run_status";
