import { describe, expect, it } from "vitest";
import { formatDateTime, formatPurgeDelay, purgeDueAt, runDuration } from "./format-time";

describe("runDuration", () => {
  const t0 = new Date("2026-01-01T00:00:00Z");
  it("is a dash before the run starts", () => expect(runDuration(null, null, t0)).toBe("—"));
  it("formats seconds, minutes and hours", () => {
    expect(runDuration(t0, new Date(t0.getTime() + 42_000), t0)).toBe("42s");
    expect(runDuration(t0, new Date(t0.getTime() + 65_000), t0)).toBe("1m 05s");
    expect(runDuration(t0, new Date(t0.getTime() + 3_725_000), t0)).toBe("1h 02m");
  });
  it("uses now for a run still going", () => expect(runDuration(t0, null, new Date(t0.getTime() + 5_000))).toBe("5s"));
});

describe("formatDateTime", () => {
  it("prints UTC to the second", () => expect(formatDateTime(new Date("2026-03-04T05:06:07.890Z"))).toBe("2026-03-04 05:06:07 UTC"));
  it("prints a dash for null", () => expect(formatDateTime(null)).toBe("—"));
});

describe("formatPurgeDelay and purgeDueAt", () => {
  it("says the delay in days when whole, else hours, and adds it to the deletion time", () => {
    expect(formatPurgeDelay(720)).toBe("30 days");
    expect(formatPurgeDelay(24)).toBe("1 day");
    expect(formatPurgeDelay(36)).toBe("36 hours");
    expect(formatPurgeDelay(0)).toMatch(/next cleanup/);
    expect(purgeDueAt(new Date("2026-01-01T00:00:00Z"), 36).toISOString()).toBe("2026-01-02T12:00:00.000Z");
  });
});
