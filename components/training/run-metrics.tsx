"use client";

import { useQuery } from "@tanstack/react-query";
import { ChartLine } from "lucide-react";
import { useEffect } from "react";
import { MetricLineChart } from "@/components/charts/metric-line-chart";
import { useTRPC } from "@/components/providers/trpc";
import { EmptyState } from "@/components/ui/empty-state";
import { groupMetricSeries } from "./group-metrics";

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
  const groups = groupMetricSeries(data ?? []);
  if (groups.length === 0) {
    return <EmptyState icon={ChartLine} title="No metrics yet" description={active ? "Charts appear as soon as the job logs its first point." : "This run logged no metrics. Log them with the SDK (sdk/node) or POST /api/v1/runs/{id}/metrics."} />;
  }
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="run-metrics">
      {groups.map((g) => <MetricLineChart key={g.title} title={g.title} series={g.series} height={220} />)}
    </div>
  );
}
