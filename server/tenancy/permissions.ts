/**
 * The permission matrix (A3): role × resource × action, in one place.
 * Procedures and routes ask for "resource:action"; nothing else decides access.
 */

export const ROLES = ["admin", "manager", "user", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const RESOURCES = ["organization", "member", "apiKey", "audit", "project", "experiment", "run", "artifact"] as const;
export type Resource = (typeof RESOURCES)[number];
export type Action = "create" | "read" | "update" | "delete" | "execute";
export type Permission = `${Resource}:${Action}`;

const ALL: readonly Action[] = ["create", "read", "update", "delete", "execute"];
const READ: readonly Action[] = ["read"];

const MATRIX: Record<Role, Partial<Record<Resource, readonly Action[]>>> = {
  admin: Object.fromEntries(RESOURCES.map((r) => [r, ALL])),
  manager: {
    organization: READ, member: READ, apiKey: ["create", "read", "delete"], audit: READ,
    project: ALL, experiment: ALL, run: ALL, artifact: ALL,
  },
  user: {
    organization: READ, member: READ, apiKey: ["create", "read", "delete"],
    project: ["create", "read", "update"], experiment: ["create", "read", "update"],
    run: ["create", "read", "update", "execute"], artifact: ["create", "read"],
  },
  viewer: {
    organization: READ, member: READ, project: READ, experiment: READ, run: READ, artifact: READ,
  },
};

export function can(role: Role, permission: Permission): boolean {
  const [resource, action] = permission.split(":") as [Resource, Action];
  return MATRIX[role][resource]?.includes(action) ?? false;
}

const RANK: Record<Role, number> = { viewer: 0, user: 1, manager: 2, admin: 3 };

/** True when `role` grants nothing beyond `ceiling` (API keys, invitations). */
export function isWithin(role: Role, ceiling: Role): boolean {
  return RANK[role] <= RANK[ceiling];
}
