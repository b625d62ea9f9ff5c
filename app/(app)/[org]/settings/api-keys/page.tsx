import { KeyRound } from "lucide-react";
import { CreateKeyForm } from "@/components/settings/create-key-form";
import { ErrorBanner } from "@/components/settings/error-banner";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";
import { currentUserId } from "@/server/auth/session";
import { mayRevokeKey } from "@/server/tenancy/api-keys";
import { can, isWithin, ROLES } from "@/server/tenancy/permissions";
import { revokeApiKeyAction } from "../actions";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ error?: string }> }) {
  const { org } = await params;
  const { error } = await searchParams;
  const api = await serverApi();
  const me = await api.organizations.get({ org });
  if (!can(me.role, "apiKey:read")) return <p className="text-sm text-muted-foreground">Your role ({me.role}) cannot use API keys.</p>;
  const [keys, userId] = await Promise.all([api.apiKeys.list({ org }), currentUserId()]);
  return (
    <div className="flex flex-col gap-6">
      <ErrorBanner message={error} />
      <Card>
        <CardHeader><CardTitle className="text-base">Create an API key</CardTitle><CardDescription>For REST, SDKs and agents: send it as <span className="font-mono">Authorization: Bearer …</span>. A key never does more than its role, nor more than you can; it stops working if you leave the organization.</CardDescription></CardHeader>
        <CardContent><CreateKeyForm org={org} roles={ROLES.filter((r) => isWithin(r, me.role)).reverse()} canCreateService={me.role === "admin"} /></CardContent>
      </Card>
      {keys.length === 0 ? <EmptyState icon={KeyRound} title="No API keys" description="Create one above to log metrics from scripts or let an agent submit jobs." /> : (
        <div className="overflow-x-auto rounded-lg border">
          <Table stackOnPhone>
            <TableHeader><TableRow><TableHead>Name</TableHead><TableHead>Key</TableHead><TableHead>Role</TableHead><TableHead>Acts for</TableHead><TableHead>Last used</TableHead><TableHead className="text-right">Status</TableHead></TableRow></TableHeader>
            <TableBody>
              {keys.map((k) => (
                <TableRow key={k.id}>
                  <TableCell className="font-medium break-all whitespace-normal max-sm:w-full">{k.name}</TableCell>
                  <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                  <TableCell>{k.role}</TableCell>
                  <TableCell className="text-xs">{k.service ? <span title="Belongs to the organization: keeps working whoever leaves">organization (service key)</span> : k.createdByEmail ?? "a former member"}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{k.lastUsedAt ? `used ${formatDateTime(k.lastUsedAt)}` : "never used"}</TableCell>
                  <TableCell className="text-right">
                    {k.revokedAt ? <span className="text-xs text-muted-foreground">revoked</span> : can(me.role, "apiKey:delete") && mayRevokeKey(me.role, userId, k) ? (
                      <ConfirmSubmit action={revokeApiKeyAction.bind(null, org, k.id)} title={`Revoke “${k.name}”?`} confirmLabel="Revoke key"
                        description="Anything using this key is refused from now on. This cannot be undone.">Revoke</ConfirmSubmit>
                    ) : "active"}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
