import { describe, expect, it } from "vitest";
import { cn, formatDuration, formatNumber, formatRelativeTime } from "./utils";

describe("cn", () => {
  it("joins conditionally and lets later Tailwind classes win", () => {
    expect(cn("px-2 py-1", false && "hidden", undefined, "px-4")).toBe("py-1 px-4");
    expect(cn("text-sm", { "font-medium": true, italic: false })).toBe("text-sm font-medium");
  });
});

describe("formatDuration", () => {
  it("uses milliseconds below one second", () => {
    expect(formatDuration(0)).toBe("0ms");
    expect(formatDuration(850.7)).toBe("850ms");
    expect(formatDuration(999.9)).toBe("999ms");
  });

  it("shows one decimal below ten seconds, whole seconds above", () => {
    expect(formatDuration(1_000)).toBe("1s");
    expect(formatDuration(1_250)).toBe("1.2s");
    expect(formatDuration(9_999)).toBe("9.9s");
    expect(formatDuration(42_900)).toBe("42s");
  });

  it("combines the two largest units with a padded minor unit", () => {
    expect(formatDuration(60_000)).toBe("1m 00s");
    expect(formatDuration(4 * 60_000 + 5_000)).toBe("4m 05s");
    expect(formatDuration(3_599_999)).toBe("59m 59s");
    expect(formatDuration(3_600_000)).toBe("1h 00m");
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000 + 59_000)).toBe("2h 03m");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3d 4h");
  });

  it("returns a dash for invalid input", () => {
    expect(formatDuration(-1)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("—");
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2024-05-01T12:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it("treats the last few seconds (and small clock skew) as just now", () => {
    expect(formatRelativeTime(now, now)).toBe("just now");
    expect(formatRelativeTime(ago(4_000), now)).toBe("just now");
    expect(formatRelativeTime(ago(-3_000), now)).toBe("just now");
  });

  it("picks the largest whole unit", () => {
    expect(formatRelativeTime(ago(42_000), now)).toBe("42s ago");
    expect(formatRelativeTime(ago(5 * 60_000 + 59_000), now)).toBe("5m ago");
    expect(formatRelativeTime(ago(3 * 3_600_000), now)).toBe("3h ago");
    expect(formatRelativeTime(ago(2 * 86_400_000), now)).toBe("2d ago");
    expect(formatRelativeTime(ago(100 * 86_400_000), now)).toBe("3mo ago");
    expect(formatRelativeTime(ago(800 * 86_400_000), now)).toBe("2y ago");
  });

  it("handles future dates", () => {
    expect(formatRelativeTime(ago(-10 * 60_000), now)).toBe("in 10m");
  });

  it("accepts epoch milliseconds and ISO strings", () => {
    expect(formatRelativeTime(now.getTime() - 90_000, now.getTime())).toBe("1m ago");
    expect(formatRelativeTime("2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z")).toBe("1h ago");
  });

  it("returns a dash for unparseable dates", () => {
    expect(formatRelativeTime("not a date", now)).toBe("—");
    expect(formatRelativeTime(Number.NaN, now)).toBe("—");
  });
});

describe("formatNumber", () => {
  it("spells out non-finite values instead of hiding them", () => {
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe("-∞");
  });

  it("prints zero plainly, including negative zero", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(-0)).toBe("0");
  });

  it("groups integers below ten thousand", () => {
    expect(formatNumber(7)).toBe("7");
    expect(formatNumber(1234)).toBe("1,234");
    expect(formatNumber(-9999)).toBe("-9,999");
  });

  it("keeps four significant digits for fractional values", () => {
    expect(formatNumber(0.5)).toBe("0.5");
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(12.3456)).toBe("12.35");
    expect(formatNumber(1234.567)).toBe("1,235");
    expect(formatNumber(-0.0012345)).toBe("-0.001235");
  });

  it("compacts large numbers", () => {
    expect(formatNumber(12_345)).toBe("12.3K");
    expect(formatNumber(4_567_890)).toBe("4.57M");
    expect(formatNumber(-2_000_000_000)).toBe("-2B");
    expect(formatNumber(1.5e12)).toBe("1.5T");
  });

  it("switches to exponential notation at the extremes", () => {
    expect(formatNumber(0.00001234)).toBe("1.23e-5");
    expect(formatNumber(1.5e-7)).toBe("1.5e-7");
    expect(formatNumber(-2e-9)).toBe("-2e-9");
    expect(formatNumber(3.2e18)).toBe("3.2e+18");
  });
});
