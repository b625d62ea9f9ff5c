import Link from "next/link";
import { ArrowLeft, X } from "lucide-react";
import { AliasForm } from "@/components/models/alias-form";
import { VersionLineage } from "@/components/models/lineage";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { formatNumber } from "@/lib/utils";
import { notFoundOn } from "@/server/api/not-found";
import { serverApi } from "@/server/api/rsc";
import { STAGES } from "@/server/registry/model-input";
import { can } from "@/server/tenancy/permissions";
import { removeAliasAction, stageAction } from "../actions";

export const metadata = { title: "Model" };

const STAGE_BADGE: Record<string, "neutral" | "info" | "success" | "warning"> = { None: "neutral", Staging: "info", Production: "success", Archived: "warning" };

/** `?v=<n>` shows that version's lineage; `?a=<n>&b=<m>` compares two versions. */
export default async function ModelPage({ params, searchParams }: { params: Promise<{ org: string; name: string }>; searchParams: Promise<{ v?: string; a?: string; b?: string }> }) {
  const { org, name: raw } = await params;
  let name: string;
  try { name = decodeURIComponent(raw); } catch { name = raw; }
  const query = await searchParams;
  const api = await serverApi();
  const [model, me] = await Promise.all([api.registry.get({ org, name }).catch((err: unknown) => notFoundOn(err)), api.organizations.get({ org })]);
  const mayUpdate = can(me.role, "model:update");
  const shown = model.versions.find((v) => v.version === Number(query.v)) ?? model.versions[0];
  const [a, b] = [Number(query.a), Number(query.b)];
  const compared = a && b && a !== b ? await api.registry.compare({ org, name, a, b }).catch(() => null) : null;
  const href = (q: Record<string, number>) => `/${org}/models/${encodeURIComponent(name)}?${new URLSearchParams(Object.entries(q).map(([k, n]) => [k, String(n)])).toString()}`;
  const back = <Link href={`/${org}/models`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Models</Link>;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader eyebrow={back} title={model.name} description={model.description || `${model.versions.length} version${model.versions.length === 1 ? "" : "s"}`} />
      <Card>
        <CardHeader><CardTitle className="text-base">Aliases</CardTitle><CardDescription>A name that points at one version (champion, challenger, …); serving and clients can ask for the alias instead of a number.</CardDescription></CardHeader>
        <CardContent className="flex flex-col gap-4">
          <div className="flex flex-wrap gap-2" data-testid="aliases">
            {model.aliases.length === 0 ? <span className="text-sm text-muted-foreground">None yet.</span> : model.aliases.map((al) => (
              <span key={al.alias} className="flex items-center gap-1">
                <Badge variant="info">{al.alias} → v{al.version}</Badge>
                {mayUpdate ? <form action={removeAliasAction.bind(null, org, name, al.alias)}><button type="submit" className="text-muted-foreground hover:text-foreground" aria-label={`Remove alias ${al.alias}`}><X className="size-3.5" aria-hidden /></button></form> : null}
              </span>
            ))}
          </div>
          {mayUpdate && model.versions.length > 0 ? <AliasForm org={org} name={name} versions={model.versions.map((v) => v.version)} /> : null}
        </CardContent>
      </Card>
      {shown ? (
        <Card>
          <CardHeader><CardTitle className="text-base">Lineage of v{shown.version}</CardTitle></CardHeader>
          <CardContent className="flex flex-col gap-3">
            <VersionLineage org={org} model={model.name} version={shown} />
            <p className="text-sm" data-testid="deployments">{shown.deployments.length === 0
              ? <span className="text-muted-foreground">Not deployed: Inference → New service serves a version.</span>
              : <>Deployed in {shown.deployments.map((d, i) => <span key={d.id}>{i > 0 ? ", " : ""}<Link className="text-primary hover:underline" href={`/${org}/inference/${d.id}`}>{d.name}</Link> <span className="text-xs text-muted-foreground">({d.variant}, {d.status.toLowerCase()})</span></span>)}</>}</p>
          </CardContent>
        </Card>
      ) : null}
      <section className="flex flex-col gap-3">
        <h2 className="text-base font-semibold">Versions</h2>
        <div className="overflow-x-auto rounded-lg border">
          <Table data-testid="versions">
            <TableHeader><TableRow><TableHead>Version</TableHead><TableHead>Stage</TableHead><TableHead>Aliases</TableHead><TableHead>Run</TableHead><TableHead>Registered</TableHead><TableHead>Compare</TableHead></TableRow></TableHeader>
            <TableBody>
              {model.versions.map((v, i) => (
                <TableRow key={v.id} className={v.version === shown?.version ? "bg-muted/50" : undefined} data-testid="version-row">
                  <TableCell><Link className="font-medium hover:underline" href={href({ v: v.version })}>v{v.version}</Link>{v.description ? <div className="text-xs text-muted-foreground">{v.description}</div> : null}</TableCell>
                  <TableCell>
                    {mayUpdate ? (
                      <form action={stageAction.bind(null, org, name, v.version)} className="flex items-center gap-2">
                        <Select name="stage" defaultValue={v.stage} aria-label={`Stage of v${v.version}`} className="w-32">{STAGES.map((s) => <option key={s} value={s}>{s}</option>)}</Select>
                        <label className="flex items-center gap-1 text-xs text-muted-foreground" title="Move the versions already in that stage to Archived"><input type="checkbox" name="archiveExisting" className="size-3.5" />archive others</label>
                        <Button type="submit" size="sm" variant="outline">Move</Button>
                      </form>
                    ) : <Badge variant={STAGE_BADGE[v.stage]}>{v.stage}</Badge>}
                  </TableCell>
                  <TableCell>{v.aliases.map((al) => <Badge key={al} variant="info" className="mr-1">{al}</Badge>)}</TableCell>
                  <TableCell className="text-xs">{v.run ? <Link className="hover:underline" href={`/${org}/training/${v.run.id}`}>{v.run.name}</Link> : <span className="font-mono">{v.source}</span>}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{formatDateTime(v.createdAt)}</TableCell>
                  <TableCell className="text-xs">{model.versions[i + 1] ? <Link className="text-primary hover:underline" href={href({ a: model.versions[i + 1].version, b: v.version })}>vs v{model.versions[i + 1].version}</Link> : "—"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </section>
      {compared ? (
        <Card data-testid="compare">
          <CardHeader><CardTitle className="text-base">v{a} vs v{b}</CardTitle><CardDescription>Their runs&apos; params (differences marked) and the last value of each metric.</CardDescription></CardHeader>
          <CardContent className="grid gap-6 lg:grid-cols-2">
            <Table>
              <TableHeader><TableRow><TableHead>Param</TableHead><TableHead>v{a}</TableHead><TableHead>v{b}</TableHead></TableRow></TableHeader>
              <TableBody>{compared.params.map((p) => <TableRow key={p.key} className={p.differs ? "bg-amber-500/10" : undefined}><TableCell className="font-mono text-xs">{p.key}</TableCell><TableCell className="font-mono text-xs">{p.a ?? "—"}</TableCell><TableCell className="font-mono text-xs">{p.b ?? "—"}</TableCell></TableRow>)}</TableBody>
            </Table>
            <Table>
              <TableHeader><TableRow><TableHead>Metric</TableHead><TableHead>v{a}</TableHead><TableHead>v{b}</TableHead></TableRow></TableHeader>
              <TableBody>{compared.metrics.map((m) => <TableRow key={m.key}><TableCell className="font-mono text-xs">{m.key}</TableCell><TableCell className="tabular-nums">{m.a === null ? "—" : formatNumber(m.a)}</TableCell><TableCell className="tabular-nums">{m.b === null ? "—" : formatNumber(m.b)}</TableCell></TableRow>)}</TableBody>
            </Table>
          </CardContent>
        </Card>
      ) : null}
      <section className="flex flex-col gap-3">
        <h2 className="text-base font-semibold">History</h2>
        <ol className="flex flex-col gap-1 text-xs" data-testid="model-history">
          {model.history.map((h, i) => (
            <li key={i} className="flex flex-wrap gap-x-2"><span className="tabular-nums text-muted-foreground">{formatDateTime(h.at)}</span><span className="font-mono">{h.action}{h.version ? ` v${h.version}` : ""}</span>
              <span className="text-muted-foreground">{Object.entries(h.details).map(([k, val]) => `${k}: ${typeof val === "string" ? val : JSON.stringify(val)}`).join(", ")} · {h.actor}</span></li>
          ))}
        </ol>
      </section>
    </div>
  );
}
