/**
 * Turns "kind:model" into a Provider. SDK modules are imported only when a suite
 * uses them, so `harness --version` and fixture-only runs stay fast.
 */
import path from "node:path";
import type { ProviderRef } from "../core/types.js";
import type { FixtureFolders } from "./fixture-folders.js";
import { withFixtures, type FixtureMode } from "./fixtures.js";
import { redacting, redactorFor } from "./redact.js";
import type { Provider } from "./types.js";

export interface ProviderSetup {
  /** Project folder: exec commands run here. */
  cwd: string;
  /** Fixtures folder (default: fixtures/ in the project). */
  fixturesDir: string;
  fixtures: FixtureMode;
  /** The run's fixture folders, shared by all its providers, so each sees what any recorded (default: the provider's own). */
  fixtureFolders?: FixtureFolders;
  env?: NodeJS.ProcessEnv;
  /** Gets what an SDK warns on the console at each call (a deprecated model) instead of the console. */
  onWarning?: (text: string) => void;
}

export async function createProvider(ref: ProviderRef, setup: ProviderSetup): Promise<Provider> {
  const colon = ref.id.indexOf(":");
  const kind = ref.id.slice(0, colon);
  const rest = ref.id.slice(colon + 1);
  const fixturesDir = path.resolve(setup.cwd, setup.fixturesDir);
  // Scrubbed before the fixtures layer, so a recorded answer holds no secret either.
  const redact = redactorFor(setup.env ?? process.env, ref.config);
  switch (kind) {
    case "openai": {
      const { createOpenAIProvider } = await import("./openai.js");
      return withFixtures(redacting(createOpenAIProvider(rest, ref.config, setup.env), redact), ref.config, fixturesDir, setup.fixtures, setup.cwd, setup.fixtureFolders);
    }
    case "anthropic": {
      const { createAnthropicProvider } = await import("./anthropic.js");
      return withFixtures(redacting(createAnthropicProvider(rest, ref.config, setup.env, setup.onWarning), redact), ref.config, fixturesDir, setup.fixtures, setup.cwd, setup.fixtureFolders);
    }
    case "exec": {
      // Never replayed: the point of exec is to run the user's current code.
      const { createExecProvider } = await import("./exec.js");
      return redacting(createExecProvider(rest, ref.config, setup.cwd, setup.env), redact);
    }
    default:
      throw new Error(`unknown provider kind "${kind}" (the config schema should have refused it)`);
  }
}
