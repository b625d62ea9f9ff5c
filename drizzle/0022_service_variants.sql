CREATE TABLE "service_variants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"name" text NOT NULL,
	"weight" integer DEFAULT 100 NOT NULL,
	"served_model" text NOT NULL,
	"model_version_id" uuid,
	"upstream_key" text,
	"replicas" integer DEFAULT 1 NOT NULL,
	"spec" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_variants_weight" CHECK (weight >= 0)
);
--> statement-breakpoint
ALTER TABLE "service_variants" ADD CONSTRAINT "service_variants_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_variants" ADD CONSTRAINT "service_variants_service_id_inference_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."inference_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_variants" ADD CONSTRAINT "service_variants_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_variants_name_idx" ON "service_variants" USING btree ("service_id","name");--> statement-breakpoint
-- Every existing service becomes its one variant, "primary", with what it served.
INSERT INTO "service_variants" ("org_id", "service_id", "name", "weight", "served_model", "model_version_id", "upstream_key", "replicas", "created_at")
  SELECT "org_id", "id", 'primary', 100, "served_model", "model_version_id", "upstream_key", "replicas", "created_at" FROM "inference_services";--> statement-breakpoint
ALTER TABLE "service_replicas" ADD COLUMN "variant_id" uuid;--> statement-breakpoint
UPDATE "service_replicas" r SET "variant_id" = v."id" FROM "service_variants" v WHERE v."service_id" = r."service_id";--> statement-breakpoint
ALTER TABLE "service_replicas" ALTER COLUMN "variant_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "service_replicas" ADD CONSTRAINT "service_replicas_variant_id_service_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."service_variants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_stats" ADD COLUMN "variant" text NOT NULL DEFAULT 'primary';--> statement-breakpoint
ALTER TABLE "service_stats" ALTER COLUMN "variant" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "service_stats" DROP CONSTRAINT "service_stats_service_id_minute_pk";--> statement-breakpoint
ALTER TABLE "service_stats" ADD CONSTRAINT "service_stats_service_id_variant_minute_pk" PRIMARY KEY("service_id","variant","minute");--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "variant" text;--> statement-breakpoint
UPDATE "service_requests" SET "variant" = 'primary';--> statement-breakpoint
ALTER TABLE "inference_services" DROP CONSTRAINT "inference_services_model_version_id_model_versions_id_fk";--> statement-breakpoint
ALTER TABLE "inference_services" ADD COLUMN "cluster_id" uuid;--> statement-breakpoint
ALTER TABLE "inference_services" ADD CONSTRAINT "inference_services_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inference_services" DROP COLUMN "replicas";--> statement-breakpoint
ALTER TABLE "inference_services" DROP COLUMN "served_model";--> statement-breakpoint
ALTER TABLE "inference_services" DROP COLUMN "model_version_id";--> statement-breakpoint
ALTER TABLE "inference_services" DROP COLUMN "upstream_key";
