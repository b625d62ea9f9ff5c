CREATE TABLE "pipeline_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"seq" bigserial NOT NULL,
	"name" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"desired_state" "desired_state" DEFAULT 'RUN' NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"next_check_at" timestamp with time zone DEFAULT now(),
	"suspended_from" text,
	"model_name" text NOT NULL,
	"dataset_id" uuid NOT NULL,
	"source_version_id" uuid NOT NULL,
	"current_version_id" uuid,
	"hyperparameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_iterations" integer DEFAULT 1 NOT NULL,
	"performance_threshold" double precision,
	"current_iteration" integer DEFAULT 0 NOT NULL,
	"best_score" double precision,
	"stop_reason" text,
	"status_message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "pipeline_tasks_suspended_from" CHECK ((status = 'SUSPENDED') = (suspended_from is not null)
    and (suspended_from is null or suspended_from in ('OPTIMIZING', 'TRAINING', 'EVALUATING'))),
	CONSTRAINT "pipeline_tasks_iterations" CHECK (max_iterations between 1 and 1000 and current_iteration between 0 and max_iterations)
);
--> statement-breakpoint
CREATE TABLE "task_executions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"iteration" integer NOT NULL,
	"phase" text NOT NULL,
	"status" text NOT NULL,
	"run_id" uuid,
	"input_version_id" uuid,
	"output_version_id" uuid,
	"model_artifact" text,
	"report" jsonb,
	"score" double precision,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_source_version_id_dataset_versions_id_fk" FOREIGN KEY ("source_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_current_version_id_dataset_versions_id_fk" FOREIGN KEY ("current_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_tasks" ADD CONSTRAINT "pipeline_tasks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_executions" ADD CONSTRAINT "task_executions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_executions" ADD CONSTRAINT "task_executions_task_id_pipeline_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."pipeline_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_executions" ADD CONSTRAINT "task_executions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_executions" ADD CONSTRAINT "task_executions_input_version_id_dataset_versions_id_fk" FOREIGN KEY ("input_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_executions" ADD CONSTRAINT "task_executions_output_version_id_dataset_versions_id_fk" FOREIGN KEY ("output_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pipeline_tasks_org_idx" ON "pipeline_tasks" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "pipeline_tasks_due_idx" ON "pipeline_tasks" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "task_executions_phase_idx" ON "task_executions" USING btree ("task_id","iteration","phase");