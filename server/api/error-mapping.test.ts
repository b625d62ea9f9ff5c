import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { ConflictError, ValidationError } from "@/server/errors";
import { toHttpError, toTRPCError } from "./error-mapping";

describe("error mapping", () => {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
  afterEach(() => { lines.length = 0; });
  afterAll(() => spy.mockRestore());

  it("masks an unexpected error as a 500 carrying a request id, and logs one JSON line with the same id", () => {
    const { status, body } = toHttpError(new Error("secret detail: password=hunter2"), "req-12345678", "/api/x");
    expect(status).toBe(500);
    expect(body.error).toEqual({ code: "INTERNAL_SERVER_ERROR", message: "Internal error (request id req-12345678)", requestId: "req-12345678" });
    const logged = JSON.parse(lines.at(-1)!) as { level: string; requestId: string; route: string; err: { message: string } };
    expect(logged).toMatchObject({ level: "error", requestId: "req-12345678", route: "/api/x", err: { message: "secret detail: password=hunter2" } });
    const trpc = toTRPCError(new Error("boom"), { path: "runs.get", requestId: "req-abcdefgh" });
    expect(trpc).toMatchObject({ code: "INTERNAL_SERVER_ERROR", message: "Internal error (request id req-abcdefgh)", requestId: "req-abcdefgh" });
  });

  it("turns domain errors and database refusals into 4xx without logging them as failures", () => {
    expect(toHttpError(new ValidationError("bad"), "r-00000001").status).toBe(400);
    expect(toHttpError(new ConflictError("dup"), "r-00000002").status).toBe(409);
    const pg = Object.assign(new Error("Failed query"), { cause: Object.assign(new Error("invalid input syntax for type uuid"), { code: "22P02" }) });
    expect(toHttpError(pg, "r-00000003")).toMatchObject({ status: 400, body: { error: { code: "BAD_REQUEST" } } });
    expect(toTRPCError(Object.assign(new Error("dup key"), { code: "23505" }))).toMatchObject({ code: "CONFLICT" });
    expect(toTRPCError(new TRPCError({ code: "FORBIDDEN", message: "no" }))).toMatchObject({ code: "FORBIDDEN" });
    expect(lines).toEqual([]);
  });
});
