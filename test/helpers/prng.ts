/** The seeded PRNG tests use to generate inputs, so a failing generated input reproduces. */
export { mulberry32 } from "../../src/core/random.js";
