import { z } from "zod";

export const emailSchema = z.string().trim().toLowerCase().email("Enter a valid email address").max(254);
export const passwordSchema = z.string().min(10, "Password must be at least 10 characters").max(200);
export const nameSchema = z.string().trim().min(1, "Name is required").max(100);
export const orgNameSchema = z.string().trim().min(2, "Organization name must be at least 2 characters").max(80);
export const roleSchema = z.enum(["admin", "manager", "user", "viewer"]);

/** URL-safe slug from a display name; callers make it unique. */
export function slugify(name: string): string {
  const slug = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  return slug || "org";
}

/**
 * An id as PostgreSQL's uuid type reads it (8-4-4-4-12 hex digits): anything else is a 400 here,
 * never a database error later.
 */
export const idSchema = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "Not a valid id");
