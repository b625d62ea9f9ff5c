ALTER TYPE "public"."desired_state" ADD VALUE 'PREEMPT';--> statement-breakpoint
CREATE TABLE "gpu_allocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"queue_id" uuid,
	"pool_id" uuid,
	"gpus" integer NOT NULL,
	"cost_per_gpu_hour" double precision NOT NULL,
	"borrowing" boolean DEFAULT false NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "gpu_pools" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"gpu_type" text,
	"gpus" integer NOT NULL,
	"cost_per_gpu_hour" double precision DEFAULT 0 NOT NULL,
	"executor" text,
	"cluster_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_budgets" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"monthly_limit" double precision NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_quotas" (
	"queue_id" uuid NOT NULL,
	"pool_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"nominal" integer NOT NULL,
	"borrowing_limit" integer,
	CONSTRAINT "queue_quotas_queue_id_pool_id_pk" PRIMARY KEY("queue_id","pool_id")
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"cohort" text,
	"min_runtime_seconds" integer DEFAULT 0 NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "queue_id" uuid;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "priority" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "gpus" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "queue_position" integer;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "pending_reason" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "preempted_by" uuid;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "preemptions" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_allocations" ADD CONSTRAINT "gpu_allocations_pool_id_gpu_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."gpu_pools"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_pools" ADD CONSTRAINT "gpu_pools_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gpu_pools" ADD CONSTRAINT "gpu_pools_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_budgets" ADD CONSTRAINT "org_budgets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_budgets" ADD CONSTRAINT "org_budgets_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_quotas" ADD CONSTRAINT "queue_quotas_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_quotas" ADD CONSTRAINT "queue_quotas_pool_id_gpu_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."gpu_pools"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_quotas" ADD CONSTRAINT "queue_quotas_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gpu_allocations_open_idx" ON "gpu_allocations" USING btree ("run_id") WHERE ended_at is null;--> statement-breakpoint
CREATE INDEX "gpu_allocations_org_idx" ON "gpu_allocations" USING btree ("org_id","started_at");--> statement-breakpoint
CREATE INDEX "gpu_allocations_pool_open_idx" ON "gpu_allocations" USING btree ("pool_id") WHERE ended_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "gpu_pools_org_name_idx" ON "gpu_pools" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "queues_org_name_idx" ON "queues" USING btree ("org_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "queues_one_default_idx" ON "queues" USING btree ("org_id") WHERE is_default;--> statement-breakpoint
CREATE INDEX "runs_queued_idx" ON "runs" USING btree ("queue_id") WHERE queue_id is not null and status = 'QUEUED';