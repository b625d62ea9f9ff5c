CREATE TABLE "runner_placements" (
	"placement" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
