ALTER TABLE "pipeline_tasks" ADD COLUMN "validation_version_id" uuid;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD COLUMN "test_version_id" uuid;--> statement-breakpoint
ALTER TABLE "task_executions" ADD COLUMN "message" text;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_validation_version_id_dataset_versions_id_fk" FOREIGN KEY ("validation_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_test_version_id_dataset_versions_id_fk" FOREIGN KEY ("test_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE restrict ON UPDATE no action;