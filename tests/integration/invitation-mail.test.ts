import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configuredMailer } from "@/server/notifications/mailer";
import { addMember } from "@/server/tenancy/members";
import { getMemberOrg } from "@/server/tenancy/organizations";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";

/** Invitations go out by e-mail through a real SMTP server (smtp-server, on loopback) when configured. */

const received: Array<{ to: string[]; data: string }> = [];
let server: SMTPServer;
let port = 0;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true, disabledCommands: ["STARTTLS"], logger: false,
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (c: Buffer) => { data += c.toString(); });
      stream.on("end", () => { received.push({ to: session.envelope.rcptTo.map((r) => r.address), data }); callback(); });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  port = (server.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("invitation e-mail", () => {
  it("sends the one-time link to the invited address, and says so", async () => {
    const t = await createOrgWithAdmin("Mail Co");
    const org = await getMemberOrg(t.db, t.adminId, t.slug);
    const added = await addMember(t.db, org, { kind: "user", userId: t.adminId, label: t.adminEmail }, { email: "newcomer@example.com", role: "user" }, configuredMailer(`smtp://127.0.0.1:${port}`));
    expect(added.emailed).toBe("sent");
    const mail = received.find((m) => m.to.includes("newcomer@example.com"));
    expect(mail?.data).toContain(`/invite/${added.token}`);
    expect(mail?.data).toContain("Mail Co");
    // The link in the mail is the one that works.
    const joiner = await createOrgWithAdmin();
    expect(await (await callerFor(joiner.adminId)).invitations.accept({ token: added.token })).toMatchObject({ orgSlug: t.slug });
  });

  it("keeps the invitation and reports the failure when the mail server is down", async () => {
    const t = await createOrgWithAdmin("Mail Down");
    const org = await getMemberOrg(t.db, t.adminId, t.slug);
    const added = await addMember(t.db, org, { kind: "user", userId: t.adminId, label: t.adminEmail }, { email: "late@example.com", role: "viewer" }, configuredMailer("smtp://127.0.0.1:9"));
    expect(added.emailed).toMatchObject({ failed: expect.stringMatching(/ECONNREFUSED|connect/) });
    expect((await (await callerFor(t.adminId)).members.list({ org: t.slug })).invitations.map((i) => i.email)).toContain("late@example.com");
  });
});
