import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { memberships, organizations, projects, experiments } from "@/server/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { Role } from "./permissions";
import { slugify } from "./validation";

/** The caller's organization, their role in it and the permissions granted beyond that role. */
export interface OrgContext { id: string; slug: string; name: string; role: Role; grants: string[] }

/** The organizations a user belongs to, with their role in each. */
export async function listUserOrganizations(db: DbOrTx, userId: string) {
  return db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}

/** Resolves an org by slug for a member; a non-member gets the same answer as a missing org. */
export async function getMemberOrg(db: DbOrTx, userId: string, slug: string): Promise<OrgContext> {
  const [row] = await db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, role: memberships.role, grants: memberships.grants })
    .from(organizations)
    .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, userId)))
    .where(eq(organizations.slug, slug));
  if (!row) throw new NotFoundError("Organization");
  return row;
}

/**
 * Creates an organization with its creator as admin and a default project + experiment. Two
 * creations racing for one slug both succeed: the loser of the unique index takes the next one.
 */
export async function createOrganization(tx: DbOrTx, input: { name: string; creatorUserId: string; actor: Actor }) {
  let org: typeof organizations.$inferSelect | undefined;
  for (let attempt = 0; !org; attempt++) {
    if (attempt === 50) throw new ConflictError("Could not find a free address for this organization; try another name");
    const slug = await uniqueSlug(tx, slugify(input.name));
    [org] = await tx.insert(organizations).values({ slug, name: input.name }).onConflictDoNothing().returning();
  }
  await tx.insert(memberships).values({ orgId: org.id, userId: input.creatorUserId, role: "admin" });
  const [project] = await tx.insert(projects).values({ orgId: org.id, slug: "default", name: "Default" }).returning();
  await tx.insert(experiments).values({ orgId: org.id, projectId: project.id, name: "Default" });
  await recordAudit(tx, { orgId: org.id, actor: input.actor, action: "organization.create", targetType: "organization", targetId: org.id, details: { name: input.name } });
  return org;
}

async function uniqueSlug(db: DbOrTx, base: string): Promise<string> {
  const taken = await db
    .select({ slug: organizations.slug })
    .from(organizations)
    .where(sql`${organizations.slug} = ${base} or ${organizations.slug} like ${`${base}-%`}`);
  const used = new Set(taken.map((r) => r.slug));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}
