"use client";

import { useQuery } from "@tanstack/react-query";
import { use, useMemo } from "react";
import { MetricLineChart } from "@/components/charts/metric-line-chart";
import type { MetricSeries } from "@/components/charts/prepare-line-chart";
import { useTRPC } from "@/components/providers/trpc";
import { unpackSeries, type PackedSeries } from "@/lib/packed-series";

type Series = PackedSeries[];

/**
 * One chart per metric key, every compared run overlaid. The first series stream in with the
 * page (the server starts the query with the page's own and sends it when ready, so the table
 * shows at once and no second round trip waits for hydration); while a run is going the browser
 * refreshes them. Bucketed in SQL, fewer buckets per run as runs are added.
 */
export function CompareCharts({ org, runs, active, initial }: {
  org: string; runs: Array<{ id: string; name: string }>; active: boolean; initial: Promise<{ series: Series } | { error: string }>;
}) {
  const trpc = useTRPC();
  const runIds = runs.map((r) => r.id);
  const first = use(initial);
  const { data, error } = useQuery({
    ...trpc.experiments.compareSeries.queryOptions({ org, runIds }),
    initialData: "series" in first ? first.series : undefined, enabled: active, refetchInterval: active ? 3000 : false,
  });
  const groups = useMemo(() => {
    const names = new Map(runs.map((r) => [r.id, r.name]));
    const byKey = new Map<string, MetricSeries[]>();
    for (const s of unpackSeries(data ?? [])) {
      const list = byKey.get(s.key) ?? [];
      list.push({ runId: s.runId, runName: names.get(s.runId) ?? s.runId, key: s.key, points: s.points });
      byKey.set(s.key, list);
    }
    return [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [data, runs]);
  if ("error" in first && !data) return <p role="alert" className="text-sm text-destructive">Could not load the charts: {first.error}</p>;
  if (error) return <p role="alert" className="text-sm text-destructive">Could not load the charts: {error.message}</p>;
  if (groups.length === 0) return <p className="text-sm text-muted-foreground">These runs logged no metrics.</p>;
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="compare-charts">
      {groups.map(([key, series]) => <MetricLineChart key={key} title={key} series={series} height={240} />)}
    </div>
  );
}
