import { AddMemberForm } from "@/components/settings/add-member-form";
import { ErrorBanner } from "@/components/settings/error-banner";
import { ReissueInvitation } from "@/components/settings/invitation-actions";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";
import { can, ROLES } from "@/server/tenancy/permissions";
import { cancelInvitationAction, changeRoleAction, removeMemberAction, setHostAccessAction } from "../actions";

export const metadata = { title: "Members" };

export default async function MembersPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ error?: string }> }) {
  const { org } = await params;
  const { error } = await searchParams;
  const api = await serverApi();
  const [me, { members, invitations }] = await Promise.all([api.organizations.get({ org }), api.members.list({ org })]);
  const manage = can(me.role, "member:update");
  return (
    <div className="flex flex-col gap-6">
      <ErrorBanner message={error} />
      {can(me.role, "member:create") ? (
        <Card>
          <CardHeader><CardTitle className="text-base">Add a member</CardTitle><CardDescription>Each invitation is a one-time link to send them; whoever opens it joins with the role you choose.</CardDescription></CardHeader>
          <CardContent><AddMemberForm org={org} /></CardContent>
        </Card>
      ) : null}
      <div className="overflow-x-auto rounded-lg border">
        <Table stackOnPhone>
          <TableHeader>
            <TableRow>
              <TableHead>Member</TableHead><TableHead>Role</TableHead>
              <TableHead title="Run shell commands as jobs on the machine Anvil runs on">Commands on this machine</TableHead>
              {manage ? <TableHead className="text-right">Actions</TableHead> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {members.map((m) => {
              const host = m.role === "admin" || m.grants.includes("host:execute");
              return (
                <TableRow key={m.userId}>
                  <TableCell className="max-sm:w-full"><p className="font-medium">{m.name ?? m.email}</p><p className="text-xs text-muted-foreground">{m.email}</p></TableCell>
                  <TableCell>
                    {manage ? (
                      <form action={changeRoleAction.bind(null, org, m.userId)} className="flex items-center gap-2">
                        <Select name="role" defaultValue={m.role} aria-label={`Role of ${m.email}`} className="w-28">{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</Select>
                        <Button type="submit" size="sm" variant="outline">Save</Button>
                      </form>
                    ) : m.role}
                  </TableCell>
                  <TableCell className="text-sm">
                    <span className="text-xs text-muted-foreground sm:hidden">Commands on this machine: </span>
                    {m.role === "admin" ? <span className="text-muted-foreground">yes (admin)</span> : manage ? (
                      <form action={setHostAccessAction.bind(null, org, m.userId, !host)} className="flex items-center gap-2">
                        <span>{host ? "allowed" : "no"}</span>
                        <Button type="submit" size="sm" variant="ghost" aria-label={`${host ? "Revoke" : "Allow"} commands on this machine for ${m.email}`}>{host ? "Revoke" : "Allow"}</Button>
                      </form>
                    ) : host ? "allowed" : "no"}
                  </TableCell>
                  {manage ? (
                    <TableCell className="text-right">
                      <ConfirmSubmit
                        action={removeMemberAction.bind(null, org, m.userId)} variant="ghost" aria-label={`Remove ${m.email}`}
                        title={`Remove ${m.email}?`} confirmLabel="Remove member"
                        description={`They lose access to ${me.name} at once, and their personal API keys stop working. Their runs and audit history stay.`}
                      >Remove</ConfirmSubmit>
                    </TableCell>
                  ) : null}
                </TableRow>
              );
            })}
            {invitations.map((i) => (
              <TableRow key={i.id}>
                <TableCell className="max-sm:w-full">
                  <p className="font-medium">{i.email}</p>
                  <p className="text-xs text-muted-foreground">{i.expiresAt ? `invited — link valid until ${formatDateTime(i.expiresAt)}` : "invited — make a new link to send"}</p>
                </TableCell>
                <TableCell>{i.role}</TableCell>
                <TableCell className="max-sm:hidden" />
                {manage ? (
                  <TableCell className="text-right">
                    <div className="flex flex-col items-end gap-2 sm:flex-row sm:justify-end">
                      <ReissueInvitation org={org} invitationId={i.id} />
                      <form action={cancelInvitationAction.bind(null, org, i.id)}><Button type="submit" size="sm" variant="ghost">Cancel invitation</Button></form>
                    </div>
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}
