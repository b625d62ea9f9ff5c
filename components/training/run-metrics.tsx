"use client";

import { useQuery } from "@tanstack/react-query";
import { ChartLine } from "lucide-react";
import { useEffect } from "react";
import { MetricLineChart } from "@/components/charts/metric-line-chart";
import { useTRPC } from "@/components/providers/trpc";
import { EmptyState } from "@/components/ui/empty-state";
import { groupMetricSeries, splitSystemSeries } from "./group-metrics";

/** Live charts: bucketed series (≤ 500 points per key from SQL), refetched while the run is active. */
export function RunMetrics({ org, runId, active }: { org: string; runId: string; active: boolean }) {
  const trpc = useTRPC();
  const { data, isLoading, refetch } = useQuery({
    ...trpc.runs.metricSeries.queryOptions({ org, runId, buckets: 500 }),
    refetchInterval: active ? 1500 : false,
  });
  // The last points land just before the run ends: fetch once more when it stops being active.
  useEffect(() => {
    if (!active) void refetch();
  }, [active, refetch]);
  if (isLoading) return <p className="text-sm text-muted-foreground">Loading metrics…</p>;
  const { logged, system } = splitSystemSeries(data ?? []);
  const groups = groupMetricSeries(logged);
  const systemGroups = groupMetricSeries(system);
  return (
    <div className="flex flex-col gap-4">
      {groups.length === 0 ? (
        <EmptyState icon={ChartLine} title="No metrics yet" description={active ? "Charts appear as soon as the job logs its first point." : "This run logged no metrics. Log them with the Python or TypeScript SDK, an MLflow client, or POST /api/v1/runs/{id}/metrics."} />
      ) : (
        <div className="grid gap-4 lg:grid-cols-2" data-testid="run-metrics">
          {groups.map((g) => <MetricLineChart key={g.title} title={g.title} series={g.series} height={220} />)}
        </div>
      )}
      {systemGroups.length > 0 ? (
        <details className="rounded-md border p-3" data-testid="system-metrics" open={groups.length === 0}>
          <summary className="cursor-pointer text-sm font-medium">System ({systemGroups.length} charts: CPU, memory{system.some((x) => x.key.includes("gpu_")) ? ", GPU" : ""})</summary>
          <div className="mt-3 grid gap-4 lg:grid-cols-3">
            {systemGroups.map((g) => <MetricLineChart key={g.title} title={g.title.replaceAll("_", " ")} series={g.series} height={160} defaultX="relative" />)}
          </div>
        </details>
      ) : null}
    </div>
  );
}
