ALTER TABLE "inference_services" ADD COLUMN "replicas" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_replicas" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "service_replicas" ADD COLUMN "restarts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_replicas" ADD CONSTRAINT "service_replicas_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;