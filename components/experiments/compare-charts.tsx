"use client";

import { MetricLineChart } from "@/components/charts/metric-line-chart";
import type { MetricSeries } from "@/components/charts/prepare-line-chart";

export interface CompareSeries { key: string; series: MetricSeries[] }

/** One chart per metric key, every selected run overlaid (bucketed in SQL: ≤ a few hundred points per run). */
export function CompareCharts({ groups }: { groups: CompareSeries[] }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="compare-charts">
      {groups.map((g) => <MetricLineChart key={g.key} title={g.key} series={g.series} height={240} />)}
    </div>
  );
}
