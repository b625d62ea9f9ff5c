import { AddMemberForm } from "@/components/settings/add-member-form";
import { ErrorBanner } from "@/components/settings/error-banner";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { serverApi } from "@/server/api/rsc";
import { can, ROLES } from "@/server/tenancy/permissions";
import { cancelInvitationAction, changeRoleAction, removeMemberAction } from "../actions";

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
          <CardHeader><CardTitle className="text-base">Add a member</CardTitle><CardDescription>Someone without an account joins with this role when they sign up with the email.</CardDescription></CardHeader>
          <CardContent><AddMemberForm org={org} /></CardContent>
        </Card>
      ) : null}
      <div className="overflow-x-auto rounded-lg border">
        <Table>
          <TableHeader><TableRow><TableHead>Member</TableHead><TableHead>Role</TableHead>{manage ? <TableHead className="text-right">Actions</TableHead> : null}</TableRow></TableHeader>
          <TableBody>
            {members.map((m) => (
              <TableRow key={m.userId}>
                <TableCell><p className="font-medium">{m.name ?? m.email}</p><p className="text-xs text-muted-foreground">{m.email}</p></TableCell>
                <TableCell>
                  {manage ? (
                    <form action={changeRoleAction.bind(null, org, m.userId)} className="flex items-center gap-2">
                      <Select name="role" defaultValue={m.role} aria-label={`Role of ${m.email}`} className="w-32">{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</Select>
                      <Button type="submit" size="sm" variant="outline">Save</Button>
                    </form>
                  ) : m.role}
                </TableCell>
                {manage ? (
                  <TableCell className="text-right">
                    <form action={removeMemberAction.bind(null, org, m.userId)}><Button type="submit" size="sm" variant="ghost" aria-label={`Remove ${m.email}`}>Remove</Button></form>
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
            {invitations.map((i) => (
              <TableRow key={i.id}>
                <TableCell><p className="font-medium">{i.email}</p><p className="text-xs text-muted-foreground">invited — no account yet</p></TableCell>
                <TableCell>{i.role}</TableCell>
                {manage ? <TableCell className="text-right"><form action={cancelInvitationAction.bind(null, org, i.id)}><Button type="submit" size="sm" variant="ghost">Cancel invitation</Button></form></TableCell> : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}
