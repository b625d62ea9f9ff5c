/**
 * Distribution functions for the A/B and drift statistics, in plain TypeScript (no dependency).
 * Accuracy target: ~1e-12 relative or better in the ranges the tests use; every function is
 * checked against published tables in distributions.test.ts.
 */

const LN_SQRT_2PI = 0.9189385332046728; // ln √(2π)
const EPS = 1e-15;
const TINY = 1e-300; // keeps the Lentz continued fractions away from a division by zero
const MAX_ITERATIONS = 10_000;

// Lanczos (g = 7, n = 9): ~1e-15 relative for x > 0, which is all the incomplete functions need.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x); // reflection keeps Lanczos in its range
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

// ---------------------------------------------------------------------------------------------
// Regularized incomplete gamma (Numerical Recipes §6.2: series below a+1, continued fraction above)

/** Lower regularized incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Upper regularized incomplete gamma Q(a, x) = 1 − P(a, x), computed directly so small tails keep their digits. */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** e^{−x} x^a / Γ(a): the common front factor, taken through logs so large a and x don't overflow. */
const gammaFront = (a: number, x: number) => Math.exp(-x + a * Math.log(x) - lnGamma(a));

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * gammaFront(a, x);
}

function gammaContinuedFraction(a: number, x: number): number {
  // Modified Lentz on the even form of the Legendre continued fraction.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h * gammaFront(a, x);
}

// ---------------------------------------------------------------------------------------------
// Regularized incomplete beta (Numerical Recipes §6.4, betacf with modified Lentz)

/** Stirling's remainder δ(x) = ln Γ(x) − [(x − ½) ln x − x + ln √(2π)], by its asymptotic series; for x ≥ 10. */
function stirlingRemainder(x: number): number {
  const x2 = x * x;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - (1 / 1188 - 691 / 360360 / x2) / x2) / x2) / x2) / x2) / x;
}

/**
 * ln B(a, b). Subtracting three separate ln Γ values loses ~|ln Γ(a)|·1e-16 absolutely, which at
 * Welch df in the millions is 1e-9 of every p-value; with an argument ≥ 10 the large terms are
 * cancelled analytically instead (the decomposition R's lbeta uses).
 */
export function lnBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (q < 10) return lnGamma(p) + lnGamma(q) - lnGamma(p + q);
  const corr = stirlingRemainder(q) - stirlingRemainder(p + q);
  const share = Math.log1p(-p / (p + q));
  if (p < 10) return lnGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * share;
  return LN_SQRT_2PI - 0.5 * Math.log(q) + corr + stirlingRemainder(p) + (p - 0.5) * Math.log(p / (p + q)) + q * share;
}

/** I_x(a, b) for 0 ≤ x ≤ 1, a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  return incompleteBeta(x, 1 - x, a, b);
}

/**
 * I_x(a, b) given both x and y = 1 − x. Callers that can form y without cancellation pass it
 * (Student's t: x = ν/(ν+t²), y = t²/(ν+t²)); at ν = 1e12, 1 − x computed from x keeps 4 digits.
 */
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const lnY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const front = Math.exp(a * lnX + b * lnY - lnBeta(a, b));
  // The fraction converges fast only left of the mean (a+1)/(a+b+2); use the symmetry on the other side.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // Even step.
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Normal

/**
 * Φ(z). Through the incomplete gamma (Φ(z) = ½ erfc(−z/√2), erfc(y) = Q(½, y²)) rather than a
 * short erf polynomial: the far tails keep their relative precision, which p-values need.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const half = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z < 0 ? half : 1 - half;
}

// Wichura, "Algorithm AS 241: The Percentage Points of the Normal Distribution", Applied Statistics
// 37 (1988) 477–484, PPND16: ~1e-16 relative. Coefficients lowest order first.
const AS241_CENTRAL_NUM = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const AS241_CENTRAL_DEN = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const AS241_NEAR_NUM = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const AS241_NEAR_DEN = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const AS241_FAR_NUM = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const AS241_FAR_DEN = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

const polynomial = (coefficients: number[], x: number) => coefficients.reduceRight((acc, c) => acc * x + c, 0);

/** Φ⁻¹(p) for 0 < p < 1 (±Infinity at 0 and 1). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_CENTRAL_NUM, r)) / polynomial(AS241_CENTRAL_DEN, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const x = r <= 5
    ? polynomial(AS241_NEAR_NUM, r - 1.6) / polynomial(AS241_NEAR_DEN, r - 1.6)
    : polynomial(AS241_FAR_NUM, r - 5) / polynomial(AS241_FAR_DEN, r - 5);
  return q < 0 ? -x : x;
}

// ---------------------------------------------------------------------------------------------
// Student t, chi-square, Kolmogorov

/** P(T ≤ t) for Student's t with `df` > 0 degrees of freedom (need not be an integer: Welch's df isn't). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalCdf(t);
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = studentTTail(t, df);
  return t > 0 ? 1 - tail : tail;
}

/**
 * P(T > |t|), the one-sided tail, kept to full relative precision however small it gets:
 * ½ I_{ν/(ν+t²)}(ν/2, ½). Above ν = 1e4 the continued fraction works at x ≈ 1 − O(1/ν), where its
 * rounding grows like ν·1e-16 (1e-10 of the p-value by ν = 1e6, an A/B test's usual size), so
 * Hill's normalizing expansion takes over there; the two agree to ~1e-14 at ν = 1e3…1e4.
 */
export function studentTTail(t: number, df: number): number {
  const t2 = t * t;
  if (df > 1e4) return hillTail(t2, df);
  return 0.5 * incompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

// G. W. Hill, "Algorithm 395: Student's t-distribution", Comm. ACM 13 (1970) 617–619: the large-ν branch.
function hillTail(t2: number, df: number): number {
  const a = df - 0.5;
  const b = 48 * a * a;
  const y = a * Math.log1p(t2 / df);
  const z = (((((-0.4 * y - 3.3) * y - 24) * y - 85.5) / (0.8 * y * y + 100 + b) + y + 3) / b + 1) * Math.sqrt(y);
  return normalCdf(-z);
}

/**
 * The t quantile, by bisection on studentTCdf. Bisection rather than Newton: it cannot diverge in
 * the heavy tails of small df, and ~100 CDF evaluations are nothing next to the cost of the data.
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  // Search on the lower tail so p near 1 doesn't lose digits in 1 − p, then mirror.
  const tail = Math.min(p, 1 - p);
  let lo = 0;
  let hi = 1;
  while (studentTTail(hi, df) > tail) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return p < 0.5 ? -t : t;
}

/** P(X ≤ x) for a chi-square with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  if (Number.isNaN(x) || !(k > 0)) return NaN;
  return regularizedGammaP(k / 2, x / 2);
}

/** P(X > x) for a chi-square with k degrees of freedom: the p-value, without the cancellation of 1 − cdf. */
export function chiSquareSf(x: number, k: number): number {
  if (Number.isNaN(x) || !(k > 0)) return NaN;
  return regularizedGammaQ(k / 2, x / 2);
}

/**
 * The Kolmogorov survival function Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}. That alternating
 * series needs many terms as λ → 0, so below λ = 1.18 the equivalent Jacobi-theta form
 * 1 − (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)} is used instead; both converge in a few terms there.
 */
export function kolmogorovQ(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const w = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let j = 1; j <= 20; j++) sum += Math.exp(-(2 * j - 1) * (2 * j - 1) * w);
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum;
  }
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.max(0, Math.min(1, 2 * sum));
}
