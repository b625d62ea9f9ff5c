import { z } from "zod";

const name = z.string().trim().min(1, "Name is required").max(60).regex(/^[A-Za-z0-9][\w .-]*$/, "Use letters, digits, spaces and _ . -");
const pem = z.string().trim().max(20_000).refine((v) => !v || v.includes("-----BEGIN"), "Paste a PEM block (-----BEGIN …)");

/** Link-local addresses are cloud metadata services, never a cluster. */
const notLinkLocal = (v: string) => !/^(https?:\/\/)?(169\.254\.|\[?fe80:|metadata\.google\.internal)/i.test(v);
const LINK_LOCAL = "Link-local addresses (169.254.x.x, fe80::) cannot be clusters";

export const registerRaySchema = z.object({
  kind: z.literal("ray"),
  name,
  address: z.string().trim().min(1, "Address is required").max(300)
    .refine((v) => /^(https?:\/\/)?[\w.-]+(:\d+)?(\/[\w./-]*)?$/.test(v), "An http(s) address such as http://ray-head:8265")
    .refine(notLinkLocal, LINK_LOCAL),
  token: z.string().trim().max(4000).optional(),
  proxyAuthHeader: z.boolean().default(false),
});

export const registerKubeRaySchema = z.object({
  kind: z.literal("kuberay"),
  name,
  /** A kubeconfig (YAML or JSON) whose current context is used; or the pieces below; or in-cluster. */
  kubeconfig: z.string().max(100_000).optional(),
  inCluster: z.boolean().default(false),
  server: z.string().trim().url("An https URL such as https://k8s.example:6443").max(300).refine((v) => /^https?:\/\//.test(v), "An http(s) URL").refine(notLinkLocal, LINK_LOCAL).optional(),
  token: z.string().trim().max(8000).optional(),
  ca: pem.optional(),
  insecureSkipTlsVerify: z.boolean().default(false),
  namespace: z.string().trim().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "A Kubernetes namespace name").default("default"),
  rayImage: z.string().trim().min(1).max(200).regex(/^[\w./:@-]+$/, "An image reference such as rayproject/ray:2.52.0").default("rayproject/ray:2.52.0"),
});

export const registerClusterSchema = z.discriminatedUnion("kind", [registerRaySchema, registerKubeRaySchema]);
export type RegisterClusterInput = z.infer<typeof registerClusterSchema>;

export { notLinkLocal, LINK_LOCAL };
