import Link from "next/link";
import { Database } from "lucide-react";
import { UploadDatasetForm } from "@/components/datasets/upload-dataset-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatBytes } from "@/lib/format-bytes";
import { formatDateTime } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Datasets" };

export default async function DatasetsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [me, list] = await Promise.all([api.organizations.get({ org }), api.datasets.list({ org })]);
  const canUpload = can(me.role, "dataset:create");
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Datasets" description="Versioned by content: the same bytes are one version. Each version is profiled as it uploads — types, statistics, a preview — and checked against the dataset's rules." />
      {canUpload ? (
        <Card>
          <CardHeader><CardTitle className="text-base">Upload</CardTitle><CardDescription>A new name makes a dataset; an existing name gets a new version. Also over REST: <span className="font-mono">POST /api/v1/datasets?name=…</span> (docs/api.md).</CardDescription></CardHeader>
          <CardContent><UploadDatasetForm org={org} /></CardContent>
        </Card>
      ) : null}
      {list.length === 0 ? (
        <EmptyState icon={Database} title="No datasets yet" description={canUpload ? "Upload a CSV or JSON Lines file above — examples/iris-softmax/data/iris.csv is one to start with." : "Datasets your team uploads appear here."} />
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table>
            <TableHeader><TableRow><TableHead>Name</TableHead><TableHead>Type</TableHead><TableHead>Domain</TableHead><TableHead className="text-right">Versions</TableHead><TableHead className="text-right">Rows (latest)</TableHead><TableHead className="text-right">Size</TableHead><TableHead>Updated</TableHead></TableRow></TableHeader>
            <TableBody>
              {list.map((d) => (
                <TableRow key={d.id}>
                  <TableCell className="font-medium"><Link className="hover:underline" href={`/${org}/datasets/${d.id}`}>{d.name}</Link></TableCell>
                  <TableCell>{d.type}</TableCell>
                  <TableCell>{d.domain || "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{d.versions}</TableCell>
                  <TableCell className="text-right tabular-nums">{d.latest ? d.latest.rows.toLocaleString("en") : "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{d.latest ? formatBytes(d.latest.size) : "—"}</TableCell>
                  <TableCell className="text-muted-foreground">{formatDateTime(new Date(d.updatedAt))}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
