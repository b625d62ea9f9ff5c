import * as api from "@/app/api/2.0/mlflow/[...path]/route";
import { apiKeyFor, createOrgWithAdmin } from "./fixtures";
import { call, type RouteHandler } from "./rest";

/** An MLflow client's calls, straight into the route handlers. */
type Fields = Record<string, unknown>;

export function client(token: string, headers: Record<string, string> = {}) {
  return async (method: "GET" | "POST" | "PATCH" | "DELETE", path: string, fields: Fields = {}) => {
    const handler = api[method] as unknown as RouteHandler;
    const query = method === "GET" ? `?${new URLSearchParams(Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]))).toString()}` : "";
    const res = await call(handler, { method, token: headers.authorization ? undefined : token, headers, url: `http://127.0.0.1:3000/api/2.0/mlflow/${path}${query}`, ...(method === "GET" ? {} : { body: fields }), params: { path: path.split("/") } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
}

export async function setup() {
  const t = await createOrgWithAdmin();
  const key = await apiKeyFor(t);
  return { t, key, mlflow: client(key) };
}

