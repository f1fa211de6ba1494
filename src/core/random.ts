/** A small seeded PRNG, so every simulated or resampled figure reproduces exactly from its seed. */

/** mulberry32: uniform in [0, 1) from a 32-bit seed. Not cryptographic; fast and well spread for simulation. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Passes in `n` independent trials that each pass with probability `p`, drawn from `rand`. */
export function binomialDraw(rand: () => number, n: number, p: number): number {
  let passes = 0;
  for (let t = 0; t < n; t++) if (rand() < p) passes++;
  return passes;
}

/** The seed every comparison uses unless told otherwise: same data, same figures. */
export const DEFAULT_SEED = 0x5eed;

/** A standard normal draw (Box–Muller). */
export function normalDraw(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** A Gamma(shape, 1) draw: Marsaglia and Tsang's method, boosted for shapes below 1. */
export function gammaDraw(rand: () => number, shape: number): number {
  if (shape < 1) return gammaDraw(rand, shape + 1) * (1 - rand()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normalDraw(rand);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
