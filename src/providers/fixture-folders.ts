/**
 * What one run knows of each model's fixture folder, shared by every provider instance that
 * replays or records there. Two suites on one model whose provider configs differ (a price
 * given, another baseURL) are two instances: with a listing each, one did not see a fixture
 * the other had just recorded, asked the model again and overwrote it, so the replay graded
 * another answer than the recording had.
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { isAlive } from "../io/is-alive.js";

/** One model's fixture folder, as one run knows it. */
export interface FixtureFolder {
  /** The fixtures' file names: listed once per run, then added to as the run records. */
  names(): Promise<Set<string>>;
  /** Notes a fixture this run wrote, for every instance sharing the folder. */
  wrote(name: string): void;
  /** Whether this run wrote the fixture: it is what this run graded, never to be asked again. */
  wroteNow(name: string): boolean;
  /**
   * Notes that a trial of this run is given the fixture's answer: true when one already was
   * (or this run's call wrote it), so the answer's one call is counted once.
   */
  givenBefore(name: string): boolean;
}

/** The fixture folders of one run, by path. Per run, so that the next run lists them afresh. */
export class FixtureFolders {
  readonly #folders = new Map<string, FixtureFolder>();

  /** `tidy`: remove the temp files of writes whose process is gone (when recording). */
  at(folder: string, tidy: boolean): FixtureFolder {
    let known = this.#folders.get(folder);
    if (!known) this.#folders.set(folder, (known = openFolder(folder, tidy)));
    return known;
  }
}

function openFolder(folder: string, tidy: boolean): FixtureFolder {
  // One listing of the folder instead of a failed open per live call: at 100,000 trials the
  // failed opens were a tenth of the run's CPU.
  let listing: Promise<Set<string>> | undefined;
  let listed: Set<string> | undefined;
  const written = new Set<string>();
  const given = new Set<string>();
  const names = () =>
    (listing ??= readdir(folder).then(
      async (found) => {
        if (tidy) await removeOrphans(folder, found);
        return (listed = new Set([...found, ...written]));
      },
      (err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT" || err.code === "ENOTDIR") return (listed = new Set(written));
        throw err;
      },
    ));
  return {
    names,
    wrote(name) {
      written.add(name);
      given.add(name);
      listed?.add(name);
    },
    wroteNow: (name) => written.has(name),
    givenBefore(name) {
      if (given.has(name)) return true;
      given.add(name);
      return false;
    },
  };
}

/**
 * Temp files of fixture writes whose process is gone (killed with -9 mid-write): left there,
 * `git add fixtures/` would commit them. A live process's are its own to rename.
 */
async function removeOrphans(folder: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const pid = /^\..+\.json\.(\d+)\.[a-z0-9]*\.tmp$/.exec(name)?.[1];
    if (pid === undefined || isAlive(Number(pid))) continue;
    await rm(path.join(folder, name), { force: true }).catch(() => undefined);
  }
}
