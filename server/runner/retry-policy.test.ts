import { describe, expect, it } from "vitest";
import { retryDecision, retryDelaySeconds } from "./retry-policy";

const run = { attempt: 1, maxRetries: 2, retryOnFailure: false, desiredState: "RUN" as const };

describe("retry policy", () => {
  it("retries a lost job while attempts remain, then stops with a note", () => {
    expect(retryDecision(run, { state: "LOST" })).toEqual({ retry: true, note: null });
    expect(retryDecision({ ...run, attempt: 2 }, { state: "LOST" }).retry).toBe(true);
    expect(retryDecision({ ...run, attempt: 3 }, { state: "LOST" })).toEqual({ retry: false, note: "no retries left (2 of 2 used)" });
    expect(retryDecision({ ...run, maxRetries: 0 }, { state: "LOST" }).note).toBe("retries are off for this job");
  });

  it("retries a job's own failure only when asked, and never a success or a cancel", () => {
    expect(retryDecision(run, { state: "FAILED", exitCode: 1 }).retry).toBe(false);
    expect(retryDecision({ ...run, retryOnFailure: true }, { state: "FAILED", exitCode: 1 }).retry).toBe(true);
    expect(retryDecision({ ...run, retryOnFailure: true }, { state: "SUCCEEDED", exitCode: 0 }).retry).toBe(false);
    expect(retryDecision({ ...run, desiredState: "CANCEL" }, { state: "LOST" }).retry).toBe(false);
  });

  it("backs off exponentially with bounded jitter and a cap", () => {
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(a, () => 0.5))).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(20, () => 0.5)).toBe(600);
    expect(retryDelaySeconds(1, () => 0)).toBe(8);
    expect(retryDelaySeconds(1, () => 1)).toBe(12);
  });
});
