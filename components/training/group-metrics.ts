import type { MetricSeries } from "@/components/charts/prepare-line-chart";

export interface ServerSeries { runId: string; key: string; points: MetricSeries["points"] }
export interface MetricGroup { title: string; series: MetricSeries[] }

/**
 * One chart per metric name, with its splits overlaid: `train/loss` and `val/loss` share the
 * "loss" chart (as W&B and TensorBoard group them). Keys without a prefix get a chart each.
 */
export function groupMetricSeries(series: ServerSeries[]): MetricGroup[] {
  const groups = new Map<string, MetricSeries[]>();
  for (const s of series) {
    const slash = s.key.lastIndexOf("/");
    const title = slash >= 0 ? s.key.slice(slash + 1) : s.key;
    const list = groups.get(title) ?? [];
    list.push({ runId: s.runId, runName: s.key, key: s.key, points: s.points });
    groups.set(title, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([title, list]) => ({ title, series: list.sort((a, b) => a.key.localeCompare(b.key)) }));
}

/** `system/*` series (CPU, memory, GPU sampled by Anvil) apart from what the job logged, as W&B shows them. */
export function splitSystemSeries<T extends { key: string }>(series: T[]): { logged: T[]; system: T[] } {
  return { logged: series.filter((s) => !s.key.startsWith("system/")), system: series.filter((s) => s.key.startsWith("system/")) };
}
