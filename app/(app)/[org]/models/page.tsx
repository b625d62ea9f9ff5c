import Link from "next/link";
import { Boxes } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";

export const metadata = { title: "Models" };

export default async function ModelsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const models = await (await serverApi()).registry.list({ org });
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Models" description="The registry: each model's versions, the runs and data that made them, aliases and stages." />
      {models.length === 0 ? (
        <EmptyState icon={Boxes} title="No models registered yet" description="Open a finished training job, and under Artifacts choose the model file or folder and click Register. MLflow clients register here too (mlflow.register_model), and so does POST /api/v1/models/{name}/versions." />
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table stackOnPhone>
            <TableHeader><TableRow><TableHead>Model</TableHead><TableHead className="text-right">Versions</TableHead><TableHead>Aliases</TableHead><TableHead>Updated</TableHead></TableRow></TableHeader>
            <TableBody>
              {models.map((m) => (
                <TableRow key={m.id} data-testid="model-row">
                  <TableCell className="font-medium"><Link className="hover:underline" href={`/${org}/models/${encodeURIComponent(m.name)}`}>{m.name}</Link>{m.description ? <div className="text-xs text-muted-foreground">{m.description}</div> : null}</TableCell>
                  <TableCell className="text-right tabular-nums">{m.versions}{m.latestVersion ? <span className="text-xs text-muted-foreground"> (latest v{m.latestVersion})</span> : null}</TableCell>
                  <TableCell className="flex flex-wrap gap-1">{m.aliases.length === 0 ? <span className="text-muted-foreground">—</span> : m.aliases.map((a) => <Badge key={a.alias} variant="info">{a.alias} → v{a.version}</Badge>)}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{formatDateTime(m.updatedAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
