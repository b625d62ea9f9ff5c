import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";

export const DATASET_TYPES = ["training", "validation", "test", "other"] as const;

/** What an upload says about itself (query string or form fields). */
export const uploadMetaSchema = z.object({
  name: z.string().trim().min(1, "Name the dataset").max(120),
  type: z.enum(DATASET_TYPES).default("training"),
  domain: z.string().trim().max(60).default(""),
  description: z.string().trim().max(2000).optional(),
  /** csv or jsonl; otherwise from the file name, else from the content type, else csv. */
  format: z.enum(["csv", "jsonl"]).optional(),
  filename: z.string().trim().max(255).optional(),
  /** The version this one was derived from (lineage). */
  sourceVersionId: idSchema.optional(),
  derivation: z.string().trim().max(500).optional(),
});
export type UploadMeta = z.infer<typeof uploadMetaSchema>;

export function formatOf(meta: Pick<UploadMeta, "format" | "filename">, contentType: string | null): "csv" | "jsonl" {
  if (meta.format) return meta.format;
  const ext = meta.filename?.toLowerCase().split(".").pop();
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  if (ext === "csv") return "csv";
  if (contentType && /ndjson|jsonl|json-lines/i.test(contentType)) return "jsonl";
  return "csv";
}
