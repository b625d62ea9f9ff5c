ALTER TABLE "pipeline_tasks" ADD COLUMN "phase_services" jsonb;--> statement-breakpoint
ALTER TABLE "task_executions" ADD COLUMN "service_url" text;--> statement-breakpoint
ALTER TABLE "task_executions" ADD COLUMN "remote_id" text;--> statement-breakpoint
ALTER TABLE "task_executions" ADD COLUMN "remote_model" jsonb;