import { describe, expect, it } from "vitest";
import { selectShard, shardOf } from "../src/core/shard.js";
import type { LoadedSuite } from "../src/core/types.js";

const suite = (ids: string[]): LoadedSuite => ({
  name: "s",
  file: "s.yaml",
  dir: "/",
  provider: { id: "exec:x", config: {} },
  judge: undefined,
  trials: 1,
  threshold: undefined,
  cases: ids.map((id) => ({ id, description: undefined, vars: {}, messages: [], graders: [], line: 1, promptHash: "h" })),
});

describe("shards", () => {
  const ids = Array.from({ length: 400 }, (_, i) => `case-${i}`);

  it("every case is in exactly one shard, and the shards are roughly even", () => {
    const parts = [1, 2, 3, 4].map((index) => selectShard([suite(ids)], { index, count: 4 })[0]?.cases.map((c) => c.id) ?? []);
    expect(parts.flat().sort()).toEqual([...ids].sort());
    for (const p of parts) expect(p.length).toBeGreaterThan(60); // 100 expected; binomial sd 8.7
  });

  it("a case stays in its shard when others are added or removed", () => {
    const before = new Map(ids.map((id) => [id, shardOf("s", id, 4)]));
    const grown = [...ids.slice(100), ...Array.from({ length: 50 }, (_, i) => `new-${i}`)];
    for (const id of grown.filter((x) => before.has(x))) expect(shardOf("s", id, 4)).toBe(before.get(id));
    const part = selectShard([suite(grown)], { index: 2, count: 4 })[0]!.cases.map((c) => c.id);
    expect(part.filter((id) => before.has(id)).every((id) => before.get(id) === 2)).toBe(true);
  });

  it("a suite left with no cases in a shard is dropped", () => {
    const only = ids.find((id) => shardOf("s", id, 4) === 1)!;
    expect(selectShard([suite([only])], { index: 2, count: 4 })).toEqual([]);
  });
});
