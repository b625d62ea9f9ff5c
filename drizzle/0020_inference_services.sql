CREATE TABLE "inference_services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"seq" bigserial NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"desired_state" "desired_state" DEFAULT 'RUN' NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"next_check_at" timestamp with time zone DEFAULT now(),
	"backend" text NOT NULL,
	"protocol" text DEFAULT 'openai' NOT NULL,
	"served_model" text NOT NULL,
	"model_version_id" uuid,
	"upstream_key" text,
	"status_message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_replicas" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"url" text NOT NULL,
	"state" text DEFAULT 'starting' NOT NULL,
	"last_error" text,
	"checked_at" timestamp with time zone,
	"waiting" integer,
	"kv_cache_usage" double precision,
	CONSTRAINT "service_replicas_state" CHECK (state in ('starting', 'ready', 'unhealthy'))
);
--> statement-breakpoint
CREATE TABLE "service_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"path" text NOT NULL,
	"status" integer NOT NULL,
	"replica" text,
	"stream" text NOT NULL,
	"latency_ms" double precision NOT NULL,
	"ttft_ms" double precision,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"error" text,
	"attempts" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_stats" (
	"service_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"org_id" uuid NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"latency" jsonb NOT NULL,
	"ttft" jsonb NOT NULL,
	CONSTRAINT "service_stats_service_id_minute_pk" PRIMARY KEY("service_id","minute")
);
--> statement-breakpoint
ALTER TABLE "inference_services" ADD CONSTRAINT "inference_services_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inference_services" ADD CONSTRAINT "inference_services_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inference_services" ADD CONSTRAINT "inference_services_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_replicas" ADD CONSTRAINT "service_replicas_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_replicas" ADD CONSTRAINT "service_replicas_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_requests" ADD CONSTRAINT "service_requests_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_requests" ADD CONSTRAINT "service_requests_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_stats" ADD CONSTRAINT "service_stats_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_stats" ADD CONSTRAINT "service_stats_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inference_services_name_idx" ON "inference_services" USING btree ("org_id","name");--> statement-breakpoint
CREATE INDEX "inference_services_due_idx" ON "inference_services" USING btree ("next_check_at") WHERE next_check_at is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "service_replicas_url_idx" ON "service_replicas" USING btree ("service_id","url");--> statement-breakpoint
CREATE INDEX "service_requests_service_idx" ON "service_requests" USING btree ("service_id","at");