import { describe, expect, it } from "vitest";
import {
  chiSquareCdf, chiSquareSf, kolmogorovQ, lnBeta, lnGamma, normalCdf, normalQuantile, regularizedBeta, regularizedGammaP,
  regularizedGammaQ, studentTCdf, studentTQuantile, studentTTail,
} from "./distributions";

const closeRel = (actual: number, expected: number, rel: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

describe("normal", () => {
  it("matches the printed standard normal table", () => {
    // NIST/SEMATECH e-Handbook §1.3.6.7.1 (area from 0 to z, 5 decimals): 1.00 → 0.34134, 1.96 → 0.47500, 3.00 → 0.49865.
    expect(normalCdf(1) - 0.5).toBeCloseTo(0.34134, 5);
    expect(normalCdf(1.96) - 0.5).toBeCloseTo(0.475, 5);
    expect(normalCdf(3) - 0.5).toBeCloseTo(0.49865, 5);
  });

  it("matches the 68–95–99.7 coverages to their published digits, and a far tail to its relative precision", () => {
    // Wikipedia "68–95–99.7 rule", table of coverages: 68.2689492137%, 95.4499736104%, 99.7300203937%;
    // 6σ: outside fraction 1.973e-9 ("1 in 506 797 346").
    expect(1 - 2 * normalCdf(-1)).toBeCloseTo(0.682689492137, 12);
    expect(1 - 2 * normalCdf(-2)).toBeCloseTo(0.954499736104, 12);
    expect(1 - 2 * normalCdf(-3)).toBeCloseTo(0.997300203937, 12);
    closeRel(2 * normalCdf(-6), 1.973e-9, 5e-4);
    expect(1 / (2 * normalCdf(-6))).toBeCloseTo(506_797_346, -1);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it("inverts to the standard critical values (AS 241), cross-checked against Python's statistics.NormalDist", () => {
    // z_{0.975} = 1.959963984540054 is the constant every package ships; the others are
    // NormalDist().inv_cdf(p) in Python 3.11, which also implements AS 241.
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 14);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 14);
    expect(normalQuantile(0.25)).toBeCloseTo(-0.6744897501960817, 14);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 13);
    expect(normalQuantile(1e-20)).toBeCloseTo(-9.262340089798405, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect([normalQuantile(0), normalQuantile(1)]).toEqual([-Infinity, Infinity]);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it("round-trips Φ(Φ⁻¹(p)) = p across the range, tails included", () => {
    for (const p of [1e-12, 1e-6, 0.001, 0.02, 0.3, 0.5, 0.7, 0.98, 0.999]) closeRel(normalCdf(normalQuantile(p)), p, 1e-12);
  });
});

describe("gamma and beta functions", () => {
  it("ln Γ at known values", () => {
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14); // Γ(½) = √π
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362_880), 13); // Γ(10) = 9!
    expect(lnGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 13); // Γ(0.1), DLMF/A&S table
  });

  it("ln B with large arguments agrees with the direct ln Γ sum where that is still exact", () => {
    expect(lnBeta(3, 30)).toBeCloseTo(lnGamma(3) + lnGamma(30) - lnGamma(33), 12);
    expect(lnBeta(20, 30)).toBeCloseTo(lnGamma(20) + lnGamma(30) - lnGamma(50), 12);
    expect(lnBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14); // B(½, ½) = π
  });

  it("regularized incomplete beta: closed forms (DLMF 8.17)", () => {
    expect(regularizedBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 14); // I_x(a, 1) = x^a
    expect(regularizedBeta(0.3, 1, 4.5)).toBeCloseTo(1 - 0.7 ** 4.5, 14); // I_x(1, b) = 1 − (1−x)^b
    expect(regularizedBeta(0.5, 7.3, 7.3)).toBeCloseTo(0.5, 13); // symmetry
    expect(regularizedBeta(0.2, 3, 4) + regularizedBeta(0.8, 4, 3)).toBeCloseTo(1, 14);
    expect([regularizedBeta(0, 2, 3), regularizedBeta(1, 2, 3)]).toEqual([0, 1]);
  });

  it("regularized incomplete gamma: closed forms", () => {
    expect(regularizedGammaP(1, 2.5)).toBeCloseTo(1 - Math.exp(-2.5), 14); // P(1, x) = 1 − e^{−x}
    closeRel(regularizedGammaQ(1, 30), Math.exp(-30), 1e-13); // the upper tail keeps its relative digits
    expect(regularizedGammaP(3, 2) + regularizedGammaQ(3, 2)).toBeCloseTo(1, 15);
    expect(regularizedGammaQ(3, 2)).toBeCloseTo(Math.exp(-2) * (1 + 2 + 2), 14); // Q(n, x) = e^{−x} Σ_{k<n} x^k/k!
  });
});

describe("Student t", () => {
  // Critical values t_{p, ν} from the NIST/SEMATECH e-Handbook §1.3.6.7.2 (3 decimals).
  const table: Array<[number, number, number]> = [
    [0.975, 1, 12.706], [0.975, 2, 4.303], [0.975, 5, 2.571], [0.975, 10, 2.228], [0.975, 30, 2.042],
    [0.975, 100, 1.984], [0.95, 10, 1.812], [0.99, 20, 2.528], [0.995, 5, 4.032], [0.995, 60, 2.66],
  ];
  it.each(table)("quantile %s at df %s is %s (table)", (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 3);
    expect(studentTCdf(t, df)).toBeCloseTo(p, 3);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 3);
  });

  it("matches the closed forms for 1 and 2 degrees of freedom", () => {
    // ν = 1 (Cauchy): F(t) = ½ + atan(t)/π; ν = 2: F(t) = ½ + t / (2√(2 + t²)).
    for (const t of [-30, -2, -0.3, 0, 0.7, 5]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
    }
    closeRel(studentTQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-13);
    const p = 0.99;
    closeRel(studentTQuantile(p, 2), (2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p))), 1e-13);
    closeRel(studentTTail(1e6, 1), Math.atan(1e-6) / Math.PI, 1e-12); // far tail of the Cauchy keeps its digits
  });

  it("is continuous across the switch to Hill's expansion at ν = 1e4, and tends to the normal", () => {
    for (const t of [0.3, 1.96, 4, 8]) closeRel(studentTTail(t, 1e4), studentTTail(t, 1e4 * (1 + 1e-12)), 1e-12);
    // First-order Cornish–Fisher: t_{p,ν} ≈ z + (z³ + z)/(4ν); at ν = 1e6 the next term is ~3e-12.
    const z = 1.959963984540054;
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(z + (z ** 3 + z) / 4e6, 11);
    expect(studentTQuantile(0.975, 1e12)).toBeCloseTo(z, 11);
    expect(studentTCdf(1.3, Infinity)).toBe(normalCdf(1.3));
  });

  it("handles the edges", () => {
    expect([studentTCdf(Infinity, 3), studentTCdf(-Infinity, 3), studentTCdf(0, 3)]).toEqual([1, 0, 0.5]);
    expect(studentTCdf(1, 0)).toBeNaN();
    expect([studentTQuantile(0, 4), studentTQuantile(1, 4), studentTQuantile(0.5, 4)]).toEqual([-Infinity, Infinity, 0]);
  });
});

describe("chi-square", () => {
  // Upper-tail critical values χ²_{α, k} (5 decimals), as in the NIST/SEMATECH e-Handbook §1.3.6.7.4.
  const table: Array<[number, number, number]> = [
    [1, 0.05, 3.84146], [2, 0.05, 5.99146], [5, 0.01, 15.08627], [10, 0.05, 18.30704], [10, 0.95, 3.9403], [30, 0.05, 43.77297],
  ];
  it.each(table)("df %s, upper tail %s at %s (table)", (k, alpha, x) => {
    expect(chiSquareSf(x, k)).toBeCloseTo(alpha, 6);
    expect(chiSquareCdf(x, k)).toBeCloseTo(1 - alpha, 6);
  });

  it("matches the closed forms: k = 1 is z², k = 2 is exponential", () => {
    expect(chiSquareCdf(1.959963984540054 ** 2, 1)).toBeCloseTo(0.95, 14);
    for (const x of [0.1, 3, 40]) closeRel(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-13);
    expect(chiSquareSf(0, 1)).toBe(1);
    expect(chiSquareCdf(-1, 1)).toBe(0);
  });
});

describe("Kolmogorov distribution Q_KS", () => {
  it("reproduces a published asymptotic p-value", () => {
    // Sawyer, Washington Univ. Math 408 notes, two-sample KS on the salivation data (Table 5.7):
    // m = n = 10, D = 0.6, J* = √(mn/(m+n))·D = 1.3416 → "approximate P-value = 0.0546".
    expect(kolmogorovQ(Math.sqrt(5) * 0.6)).toBeCloseTo(0.0546, 4);
  });

  it("gives the tabulated large-sample critical coefficients c(α)", () => {
    // Two-sample KS tables (e.g. the c(α) row printed under the usual critical-value table):
    // α = 0.10, 0.05, 0.025, 0.01, 0.005, 0.001 → c(α) = 1.22, 1.36, 1.48, 1.63, 1.73, 1.95.
    const rows: Array<[number, number]> = [[0.1, 1.22], [0.05, 1.36], [0.025, 1.48], [0.01, 1.63], [0.005, 1.73], [0.001, 1.95]];
    for (const [alpha, c] of rows) {
      expect(kolmogorovQ(c - 0.005)).toBeGreaterThan(alpha);
      expect(kolmogorovQ(c + 0.005)).toBeLessThan(alpha);
    }
  });

  it("is continuous where the two series meet and has the right limits", () => {
    expect(kolmogorovQ(1.18 - 1e-12)).toBeCloseTo(kolmogorovQ(1.18), 11);
    expect(kolmogorovQ(0)).toBe(1);
    expect(kolmogorovQ(0.2)).toBeCloseTo(1 - (Math.sqrt(2 * Math.PI) / 0.2) * Math.exp(-(Math.PI ** 2) / 0.32), 15); // one theta term
    expect(kolmogorovQ(5)).toBeLessThan(1e-20);
  });
});
