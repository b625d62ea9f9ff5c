import Link from "next/link";
import { ArrowLeft, Download } from "lucide-react";
import { RulesEditor } from "@/components/datasets/rules-editor";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { UploadDatasetForm } from "@/components/datasets/upload-dataset-form";
import { ColumnStatsTable, PreviewTable, ValidationReport } from "@/components/datasets/version-tables";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatBytes } from "@/lib/format-bytes";
import { formatDateTime } from "@/lib/format-time";
import { notFoundOn } from "@/server/api/not-found";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Dataset" };

/** `?v=<n>` shows that version (default: the latest). */
export default async function DatasetPage({ params, searchParams }: { params: Promise<{ org: string; datasetId: string }>; searchParams: Promise<{ v?: string }> }) {
  const { org, datasetId } = await params;
  const { v } = await searchParams;
  const api = await serverApi();
  const [me, dataset] = await Promise.all([api.organizations.get({ org }), api.datasets.get({ org, datasetId }).catch((err: unknown) => notFoundOn(err))]);
  // Versions a pipeline task made: which task and iteration (viewers of datasets may not read runs).
  const producers = can(me.role, "run:read") ? await api.pipelines.producers({ org, datasetId }) : [];
  const madeBy = (versionId: string) => producers.find((p) => p.versionId === versionId);
  const number = Number(v) || dataset.versions[0]?.version;
  const version = number ? await api.datasets.version({ org, datasetId, version: number }).catch((err: unknown) => notFoundOn(err)) : null;
  const back = <Link href={`/${org}/datasets`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Datasets</Link>;
  const columns = version?.columns.map((c) => c.name) ?? [];
  const profiling = dataset.versions.some((x) => x.profileState === "pending" || x.profileState === "profiling");
  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={profiling} ms={3000} />
      <PageHeader eyebrow={back} title={dataset.name} description={`${dataset.type}${dataset.domain ? ` · ${dataset.domain}` : ""} · ${dataset.versions.length} version${dataset.versions.length === 1 ? "" : "s"}`}
        actions={version ? <Button asChild variant="outline"><a href={`/api/v1/datasets/${datasetId}/versions/${version.version}/download?org=${org}`}><Download className="size-4" aria-hidden />Download v{version.version}</a></Button> : null} />
      <Card>
        <CardHeader><CardTitle className="text-base">Versions</CardTitle><CardDescription>One per distinct content (SHA-256): uploading the same bytes again adds nothing.</CardDescription></CardHeader>
        <CardContent>
          <Table data-testid="dataset-versions">
            <TableHeader><TableRow><TableHead>Version</TableHead><TableHead>Uploaded</TableHead><TableHead className="text-right">Rows</TableHead><TableHead className="text-right">Malformed</TableHead><TableHead className="text-right">Size</TableHead><TableHead>SHA-256</TableHead><TableHead>Rules</TableHead><TableHead>Derived from</TableHead><TableHead>Made by</TableHead></TableRow></TableHeader>
            <TableBody>
              {dataset.versions.map((x) => (
                <TableRow key={x.id} className={x.version === version?.version ? "bg-muted/50" : undefined}>
                  <TableCell><Link className="hover:underline" href={`/${org}/datasets/${datasetId}?v=${x.version}`} aria-current={x.version === version?.version ? "page" : undefined}>v{x.version}</Link> <span className="text-xs text-muted-foreground">{x.format}</span></TableCell>
                  <TableCell className="text-muted-foreground">{formatDateTime(new Date(x.createdAt))}</TableCell>
                  <TableCell className="text-right tabular-nums">{x.profileState === "ready" ? x.rows.toLocaleString("en") : x.profileState === "failed" ? "invalid" : "profiling…"}</TableCell>
                  <TableCell className="text-right tabular-nums">{x.invalidRows.toLocaleString("en")}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatBytes(x.size)}</TableCell>
                  <TableCell className="font-mono text-xs" title={x.sha256}>{x.sha256.slice(0, 12)}</TableCell>
                  <TableCell className="text-xs">{x.validation ? `${x.validation.filter((r) => r.passed).length}/${x.validation.length} pass` : "—"}</TableCell>
                  <TableCell className="min-w-48 whitespace-normal text-xs">{x.sourceVersionId ? (x.derivation ?? "another version") : "uploaded"}</TableCell>
                  <TableCell className="min-w-32 whitespace-normal text-xs">{madeBy(x.id) ? <Link className="text-primary hover:underline" href={`/${org}/pipelines/${madeBy(x.id)!.taskId}`}>{madeBy(x.id)!.task}, iteration {madeBy(x.id)!.iteration}</Link> : "—"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      {version ? (
        <>
          {version.lineage.length > 0 ? (
            <Card>
              <CardHeader><CardTitle className="text-base">Lineage of v{version.version}</CardTitle></CardHeader>
              <CardContent>
                <ol className="flex flex-col items-start text-sm" data-testid="lineage" aria-label="Lineage, newest first">
                  <li className="rounded-md border-2 border-primary px-3 py-1.5 font-medium">{dataset.name} v{version.version}</li>
                  {version.lineage.map((l, i) => {
                    const how = i === 0 ? version.derivation : version.lineage[i - 1].derivation;
                    return (
                      <li key={l.id} className="flex flex-col items-start">
                        <span className="ml-4 border-l-2 border-muted-foreground/40 py-1 pl-3 text-xs text-muted-foreground">↑ {how ?? "derived"}</span>
                        <Link className="rounded-md border px-3 py-1.5 hover:bg-muted" href={`/${org}/datasets/${l.datasetId}?v=${l.version}`}>{l.dataset} v{l.version}</Link>
                      </li>
                    );
                  })}
                </ol>
              </CardContent>
            </Card>
          ) : null}
          {version.profileState === "pending" || version.profileState === "profiling" ? (
            <Alert variant="warning" data-testid="profiling"><AlertDescription>
              v{version.version} is stored ({formatBytes(version.size)}). Its full profile and rule checks are being computed in the background; below, what its first 16 MiB show. This page refreshes until done.
            </AlertDescription></Alert>
          ) : null}
          {version.profileState === "failed" ? (
            <Alert variant="destructive" role="alert"><AlertDescription>The full pass over v{version.version} found it is not a valid table: {version.profileError}. Its bytes are kept; upload a corrected file as a new version.</AlertDescription></Alert>
          ) : null}
          <section aria-labelledby="stats-h" className="flex flex-col gap-3">
            <h2 id="stats-h" className="text-lg font-semibold">Columns of v{version.version} <span className="text-sm font-normal text-muted-foreground">{version.rows.toLocaleString("en")} rows{version.invalidRows > 0 ? `, ${version.invalidRows.toLocaleString("en")} malformed (e.g. line ${version.invalidExamples.slice(0, 3).join(", ")})` : ""}</span></h2>
            <ColumnStatsTable columns={version.columns} rows={version.rows} />
          </section>
          <section aria-labelledby="preview-h" className="flex flex-col gap-3">
            <h2 id="preview-h" className="text-lg font-semibold">First rows</h2>
            <PreviewTable columns={columns} rows={version.preview as unknown[][]} />
          </section>
          <section aria-labelledby="rules-h" className="flex flex-col gap-3">
            <h2 id="rules-h" className="text-lg font-semibold">Validation</h2>
            {version.validation ? <ValidationReport report={version.validation} /> : <p className="text-sm text-muted-foreground">No rules checked on this version.</p>}
            {can(me.role, "dataset:update") ? <Card><CardContent className="pt-6"><RulesEditor org={org} datasetId={datasetId} columns={columns} rules={dataset.rules as never} /></CardContent></Card> : null}
          </section>
        </>
      ) : null}
      {can(me.role, "dataset:create") ? (
        <Card><CardHeader><CardTitle className="text-base">New version</CardTitle></CardHeader><CardContent><UploadDatasetForm org={org} name={dataset.name} /></CardContent></Card>
      ) : null}
    </div>
  );
}
