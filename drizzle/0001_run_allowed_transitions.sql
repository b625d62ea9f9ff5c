-- The run lifecycle of server/runner/run-lifecycle.ts; run_transitions references these pairs.
INSERT INTO "run_allowed_transitions" ("from_status", "to_status") VALUES
  ('QUEUED', 'STARTING'),
  ('QUEUED', 'CANCELLED'),
  ('QUEUED', 'FAILED'),
  ('STARTING', 'RUNNING'),
  ('STARTING', 'SUCCEEDED'),
  ('STARTING', 'FAILED'),
  ('STARTING', 'CANCELLED'),
  ('RUNNING', 'SUCCEEDED'),
  ('RUNNING', 'FAILED'),
  ('RUNNING', 'CANCELLED')
ON CONFLICT DO NOTHING;
