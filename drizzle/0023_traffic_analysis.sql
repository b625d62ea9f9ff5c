CREATE TABLE "rollout_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"rollout_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"weight" integer,
	"message" text NOT NULL,
	"metrics" jsonb
);
--> statement-breakpoint
CREATE TABLE "service_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"slot" integer NOT NULL,
	"message" text NOT NULL,
	"details" jsonb,
	"delivery" text,
	"acknowledged_at" timestamp with time zone,
	CONSTRAINT "service_alerts_kind" CHECK (kind in ('slo', 'drift', 'rollback'))
);
--> statement-breakpoint
CREATE TABLE "service_feedback" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"variant" text NOT NULL,
	"request_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" double precision NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_rollouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"seq" bigserial NOT NULL,
	"status" text NOT NULL,
	"desired_state" "desired_state" DEFAULT 'RUN' NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"next_check_at" timestamp with time zone DEFAULT now(),
	"strategy" text NOT NULL,
	"baseline" text NOT NULL,
	"candidate" text NOT NULL,
	"steps" jsonb NOT NULL,
	"step_index" integer DEFAULT -1 NOT NULL,
	"interval_seconds" integer NOT NULL,
	"min_requests" integer NOT NULL,
	"slo" jsonb NOT NULL,
	"baseline_replicas" integer NOT NULL,
	"step_started_at" timestamp with time zone,
	"step_counters" jsonb,
	"analysis" jsonb,
	"status_message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "service_scaling_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"variant" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"metric" text NOT NULL,
	"value" double precision,
	"target" double precision NOT NULL,
	"current" integer NOT NULL,
	"recommended" integer NOT NULL,
	"desired" integer NOT NULL,
	"applied" boolean NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inference_services" ADD COLUMN "slo" jsonb;--> statement-breakpoint
ALTER TABLE "inference_services" ADD COLUMN "sticky" jsonb;--> statement-breakpoint
ALTER TABLE "inference_services" ADD COLUMN "autoscaling" jsonb;--> statement-breakpoint
ALTER TABLE "inference_services" ADD COLUMN "alert_webhook" text;--> statement-breakpoint
ALTER TABLE "inference_services" ADD COLUMN "experiment" jsonb;--> statement-breakpoint
ALTER TABLE "inference_services" ADD COLUMN "drift_reference" jsonb;--> statement-breakpoint
ALTER TABLE "service_replicas" ADD COLUMN "running" integer;--> statement-breakpoint
ALTER TABLE "service_stats" ADD COLUMN "latency_sum" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_stats" ADD COLUMN "latency_sum_sq" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_stats" ADD COLUMN "ttft_sum" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_stats" ADD COLUMN "ttft_sum_sq" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_variants" ADD COLUMN "shadow_percent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_variants" ADD COLUMN "recommendations" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "rollout_events" ADD CONSTRAINT "rollout_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollout_events" ADD CONSTRAINT "rollout_events_rollout_id_service_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."service_rollouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_alerts" ADD CONSTRAINT "service_alerts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_alerts" ADD CONSTRAINT "service_alerts_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_feedback" ADD CONSTRAINT "service_feedback_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_feedback" ADD CONSTRAINT "service_feedback_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_rollouts" ADD CONSTRAINT "service_rollouts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_rollouts" ADD CONSTRAINT "service_rollouts_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_rollouts" ADD CONSTRAINT "service_rollouts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_scaling_events" ADD CONSTRAINT "service_scaling_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_scaling_events" ADD CONSTRAINT "service_scaling_events_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rollout_events_rollout_idx" ON "rollout_events" USING btree ("rollout_id","id");--> statement-breakpoint
CREATE INDEX "service_alerts_service_idx" ON "service_alerts" USING btree ("service_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "service_alerts_once_idx" ON "service_alerts" USING btree ("service_id","dedupe_key","slot");--> statement-breakpoint
CREATE UNIQUE INDEX "service_feedback_request_idx" ON "service_feedback" USING btree ("service_id","request_id");--> statement-breakpoint
CREATE INDEX "service_feedback_variant_idx" ON "service_feedback" USING btree ("service_id","variant","at");--> statement-breakpoint
CREATE INDEX "service_rollouts_service_idx" ON "service_rollouts" USING btree ("service_id","created_at");--> statement-breakpoint
CREATE INDEX "service_rollouts_due_idx" ON "service_rollouts" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "service_rollouts_one_active_idx" ON "service_rollouts" USING btree ("service_id") WHERE status in ('PROGRESSING', 'PAUSED');--> statement-breakpoint
CREATE INDEX "service_scaling_events_service_idx" ON "service_scaling_events" USING btree ("service_id","at");--> statement-breakpoint
ALTER TABLE "service_variants" ADD CONSTRAINT "service_variants_shadow" CHECK (shadow_percent between 0 and 100);