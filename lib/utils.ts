import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/** Joins class names and lets later Tailwind utilities override earlier ones (`p-2` + `p-4` → `p-4`). */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * Human duration with the two most significant units: "850ms", "12.3s", "4m 05s", "2h 03m", "3d 4h".
 * Padding the minor unit keeps widths stable in live-updating tables. Invalid or negative input → "—".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < SECOND) return `${Math.floor(ms)}ms`;
  if (ms < MINUTE) {
    // One decimal below 10s, where it still carries information; whole seconds above.
    const s = ms / SECOND;
    return s < 10 ? `${Math.floor(s * 10) / 10}s` : `${Math.floor(s)}s`;
  }
  // Floor rather than round so "59m 59s" never displays as "60m 00s".
  const total = Math.floor(ms / SECOND);
  if (ms < HOUR) return `${Math.floor(total / 60)}m ${pad2(total % 60)}s`;
  const totalMinutes = Math.floor(total / 60);
  if (ms < DAY) return `${Math.floor(totalMinutes / 60)}h ${pad2(totalMinutes % 60)}m`;
  const totalHours = Math.floor(totalMinutes / 60);
  return `${Math.floor(totalHours / 24)}d ${totalHours % 24}h`;
}

export type DateInput = Date | number | string;

function toEpochMs(value: DateInput): number {
  return value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
}

const RELATIVE_UNITS: ReadonlyArray<readonly [limit: number, size: number, suffix: string]> = [
  [MINUTE, SECOND, "s"],
  [HOUR, MINUTE, "m"],
  [DAY, HOUR, "h"],
  [30 * DAY, DAY, "d"],
  [365 * DAY, 30 * DAY, "mo"],
  [Number.POSITIVE_INFINITY, 365 * DAY, "y"],
];

/**
 * Compact relative time: "just now", "42s ago", "5m ago", "3h ago", "2d ago", "4mo ago", "1y ago", or
 * "in 5m" for future dates. `now` is a parameter (not `Date.now()`) so server and client render the same
 * string and tests stay deterministic. Unparseable input → "—".
 */
export function formatRelativeTime(date: DateInput, now: DateInput): string {
  const diff = toEpochMs(now) - toEpochMs(date);
  if (!Number.isFinite(diff)) return "—";
  const abs = Math.abs(diff);
  // Clock skew between server and browser is usually a few seconds; don't show "in 2s" for it.
  if (abs < 5 * SECOND) return "just now";
  const [, size, suffix] = RELATIVE_UNITS.find(([limit]) => abs < limit) ?? RELATIVE_UNITS[RELATIVE_UNITS.length - 1];
  const amount = `${Math.floor(abs / size)}${suffix}`;
  return diff > 0 ? `${amount} ago` : `in ${amount}`;
}

const compactFormat = new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 });
const integerFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });

/** Strips the zeros `toExponential` pads with: 1.50e-5 → 1.5e-5. */
function exponential(n: number): string {
  return n.toExponential(2).replace(/\.?0+e/, "e");
}

/**
 * Formats metric values and counts for display. The locale is fixed ("en-US") so server-rendered and
 * hydrated markup agree.
 * - NaN / ±Infinity → "NaN", "∞", "-∞" (a diverged loss must be visible, not hidden as "0").
 * - |n| ≥ 10,000 → compact ("12.3K", "4.57M"); ≥ 1e15 or < 1e-4 → exponential ("1.2e-5").
 * - integers below 10,000 → grouped ("1,234"); other values → 4 significant digits ("0.1235").
 */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "∞";
  if (n === Number.NEGATIVE_INFINITY) return "-∞";
  if (n === 0) return "0"; // also catches -0
  const abs = Math.abs(n);
  if (abs >= 1e15 || abs < 1e-4) return exponential(n);
  if (abs >= 10_000) return compactFormat.format(n);
  if (Number.isInteger(n)) return integerFormat.format(n);
  return decimalFormat.format(n);
}
