import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { serverApi } from "@/server/api/rsc";

export const metadata = { title: "Settings" };

export default async function OrgSettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const me = await (await serverApi()).organizations.get({ org });
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-base">{me.name}</CardTitle>
        <CardDescription>URL name <span className="font-mono">{me.slug}</span> · your role: {me.role}</CardDescription>
      </CardHeader>
      <CardContent className="text-sm text-muted-foreground">
        Quotas, GPU pools and budgets are not built yet; they arrive with the scheduler.
      </CardContent>
    </Card>
  );
}
