import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Inference" };

export default function InferencePage() {
  return <NotBuiltYet title="Inference" summary="Serve model versions behind an OpenAI-compatible gateway." planned={[
    "Deploy a model version on vLLM endpoints, a managed serving process or Kubernetes",
    "OpenAI-compatible gateway per service with API-key auth and per-variant latency, TTFT and token metrics",
    "A/B variants, sticky assignment, shadow traffic; canary and blue-green rollouts with automatic rollback",
    "A/B statistics with significance tests, autoscaling policies and drift monitoring",
  ]} />;
}
