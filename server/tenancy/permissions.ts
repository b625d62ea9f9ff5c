/**
 * The permission matrix: role × resource × action, in one place, plus the permissions an admin
 * may grant a member beyond their role. Procedures and routes ask for "resource:action"; nothing
 * else decides access.
 */

export const ROLES = ["admin", "manager", "user", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** `host`: running commands on the machine Anvil runs on (jobs on the local executor). */
/** `cluster`: registered Ray / KubeRay clusters; `execute` = run jobs on one. */
/** `quota`: GPU pools, queues and the budget; everyone sees them, admins change them. */
/** `model`: the model registry (models, versions, aliases, stages). */
/** `service`: inference services; `execute` = send requests through the gateway. */
export const RESOURCES = ["organization", "member", "apiKey", "audit", "project", "experiment", "run", "artifact", "host", "cluster", "quota", "dataset", "model", "service"] as const;
export type Resource = (typeof RESOURCES)[number];
export type Action = "create" | "read" | "update" | "delete" | "execute";
export type Permission = `${Resource}:${Action}`;

const ALL: readonly Action[] = ["create", "read", "update", "delete", "execute"];
const READ: readonly Action[] = ["read"];

const MATRIX: Record<Role, Partial<Record<Resource, readonly Action[]>>> = {
  admin: Object.fromEntries(RESOURCES.map((r) => [r, ALL])),
  manager: {
    organization: READ, member: READ, apiKey: ["create", "read", "delete"], audit: READ,
    project: ALL, experiment: ALL, run: ALL, artifact: ALL, cluster: ALL, quota: READ, dataset: ALL, model: ALL, service: ALL,
  },
  user: {
    organization: READ, member: READ, apiKey: ["create", "read", "delete"],
    project: ["create", "read", "update"], experiment: ["create", "read", "update"],
    run: ["create", "read", "update", "execute"], artifact: ["create", "read"], cluster: ["read", "execute"], quota: READ, dataset: ["create", "read", "update"], model: ["create", "read", "update"], service: ["read", "execute"],
  },
  viewer: {
    organization: READ, member: READ, project: READ, experiment: READ, run: READ, artifact: READ, cluster: READ, quota: READ, dataset: READ, model: READ, service: READ,
  },
};

/** Permissions an admin can grant a member on top of their role. */
export const GRANTABLE = ["host:execute"] as const satisfies readonly Permission[];
export type Grant = (typeof GRANTABLE)[number];

export function isGrant(value: string): value is Grant {
  return (GRANTABLE as readonly string[]).includes(value);
}

const RANK: Record<Role, number> = { viewer: 0, user: 1, manager: 2, admin: 3 };

export function can(role: Role, permission: Permission, grants: readonly string[] = []): boolean {
  const [resource, action] = permission.split(":") as [Resource, Action];
  return (MATRIX[role][resource]?.includes(action) ?? false) || (isGrant(permission) && grants.includes(permission));
}

/** The lower of two roles: what a key may do when its creator's role has dropped since. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** True when `role` grants nothing beyond `ceiling` (API keys, invitations). */
export function isWithin(role: Role, ceiling: Role): boolean {
  return RANK[role] <= RANK[ceiling];
}
