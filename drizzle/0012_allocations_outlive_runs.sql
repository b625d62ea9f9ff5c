ALTER TABLE "gpu_allocations" DROP CONSTRAINT "gpu_allocations_run_id_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "gpu_allocations" DROP CONSTRAINT "gpu_allocations_project_id_projects_id_fk";
--> statement-breakpoint
ALTER TABLE "gpu_allocations" ALTER COLUMN "run_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ALTER COLUMN "project_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE set null ON UPDATE no action;