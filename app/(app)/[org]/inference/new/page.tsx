import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { NewServiceForm } from "@/components/inference/new-service-form";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";

export const metadata = { title: "New service" };

export default async function NewServicePage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [models, clusters] = await Promise.all([api.registry.list({ org }), api.clusters.list({ org }).catch(() => [])]);
  const versions = (await Promise.all(models.slice(0, 50).map((m) => api.registry.get({ org, name: m.name })))).flatMap((m) => m.versions.map((v) => `${m.name}@${v.version}`));
  const back = <Link href={`/${org}/inference`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Inference</Link>;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader eyebrow={back} title="New service" description="Put running model servers behind the gateway." />
      <NewServiceForm org={org} versions={versions} clusters={clusters.filter((c) => c.kind === "kuberay").map((c) => c.name)} />
    </div>
  );
}
