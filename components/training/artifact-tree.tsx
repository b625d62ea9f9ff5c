import { Download, Folder } from "lucide-react";
import { ArtifactPreview } from "@/components/training/artifact-preview";
import { buildArtifactTree, type ArtifactFile, type ArtifactFolder } from "@/lib/artifact-tree";
import { formatBytes } from "@/lib/format-bytes";

/** A run's artifacts as a folder tree; each file downloads and previews as data, never as a page. */
export function ArtifactTree({ org, runId, artifacts }: { org: string; runId: string; artifacts: ArtifactFile[] }) {
  const urlOf = (path: string) => `/api/v1/runs/${runId}/artifacts/${path.split("/").map(encodeURIComponent).join("/")}?org=${encodeURIComponent(org)}`;
  const tree = buildArtifactTree(artifacts);
  return (
    <div className="text-sm" data-testid="run-artifacts">
      <p className="mb-2 text-xs text-muted-foreground">{tree.files} file{tree.files === 1 ? "" : "s"}, {formatBytes(tree.size)}</p>
      <FolderContents folder={tree} urlOf={urlOf} depth={0} />
    </div>
  );
}

function FolderContents({ folder, urlOf, depth }: { folder: ArtifactFolder; urlOf: (p: string) => string; depth: number }) {
  return (
    <ul className={depth > 0 ? "ml-3 border-l pl-3" : ""}>
      {folder.folders.map((f) => (
        <li key={f.path}>
          {/* Small trees open fully; big ones open their first level only. */}
          <details open={depth === 0 || folder.files <= 20} data-testid="artifact-folder">
            <summary className="flex cursor-pointer items-center gap-2 py-1">
              <Folder className="size-4 text-muted-foreground" aria-hidden />
              <span className="font-mono">{f.name}/</span>
              <span className="text-xs text-muted-foreground">{f.files} file{f.files === 1 ? "" : "s"} · {formatBytes(f.size)}</span>
            </summary>
            <FolderContents folder={f} urlOf={urlOf} depth={depth + 1} />
          </details>
        </li>
      ))}
      {folder.items.map((a) => (
        <li key={a.path} className="flex flex-col gap-1 py-1" data-testid="artifact-file">
          <div className="flex items-center justify-between gap-3">
            <span className="font-mono break-all" title={a.path}>{a.name}</span>
            <span className="flex shrink-0 items-center gap-3 text-muted-foreground">{formatBytes(a.size)}
              <a className="text-primary hover:underline" href={urlOf(a.path)} aria-label={`Download ${a.path}`}><Download className="size-4" aria-hidden /></a>
            </span>
          </div>
          <ArtifactPreview url={urlOf(a.path)} path={a.path} contentType={a.contentType} />
        </li>
      ))}
    </ul>
  );
}
