import Link from "next/link";
import type { ModelDetail } from "@/server/registry/views";

type Version = ModelDetail["versions"][number];

/** Where a version came from, left to right: the data it trained on → the run → the artifact → the version. */
export function VersionLineage({ org, model, version }: { org: string; model: string; version: Version }) {
  const box = "rounded-md border px-3 py-2 text-sm";
  const arrow = <span aria-hidden className="text-muted-foreground">→</span>;
  const artifactHref = version.run && version.artifactPath
    ? `/api/v1/runs/${version.run.id}/artifacts/${version.artifactPath.split("/").map(encodeURIComponent).join("/")}?org=${encodeURIComponent(org)}` : null;
  return (
    <ol className="flex flex-wrap items-center gap-2" data-testid="lineage" aria-label={`Lineage of version ${version.version}`}>
      <li className={box}>
        <div className="text-xs text-muted-foreground">data</div>
        {version.data ? <Link className="hover:underline" href={`/${org}/datasets/${version.data.datasetId}?v=${version.data.version}`}>{version.data.dataset} v{version.data.version}</Link> : <span className="text-muted-foreground">not recorded</span>}
      </li>
      {arrow}
      <li className={box}>
        <div className="text-xs text-muted-foreground">run</div>
        {version.run ? <Link className="hover:underline" href={`/${org}/training/${version.run.id}`}>{version.run.name}</Link> : <span className="text-muted-foreground">outside Anvil</span>}
      </li>
      {arrow}
      <li className={box}>
        <div className="text-xs text-muted-foreground">artifact</div>
        {artifactHref ? <a className="font-mono text-xs hover:underline" href={artifactHref}>{version.artifactPath}</a> : <span className="font-mono text-xs break-all">{version.source}</span>}
      </li>
      {arrow}
      <li className={`${box} border-primary border-2 font-medium`}>{model} v{version.version}</li>
    </ol>
  );
}
