ALTER TABLE "dataset_versions" ADD COLUMN "profile_state" text DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE "dataset_versions" ADD COLUMN "profile_error" text;--> statement-breakpoint
ALTER TABLE "dataset_versions" ADD COLUMN "profile_started_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "dataset_versions_pending_idx" ON "dataset_versions" USING btree ("created_at") WHERE profile_state in ('pending', 'profiling');