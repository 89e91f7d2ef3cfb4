// OwnRoomSet against a real Set: any sequence of operations, started from the same one
// member, answers the same and leaves the same members in the same order. Plus what makes it
// pass for a Set where nothing calls its methods (instanceof, constructor, inspection), and
// which operations keep it compact.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OwnRoomSet, membersOf } from "../../src/io/own-room-set.js";

type Value = string | number;

/** Members drawn from a small pool, with the SameValueZero corner cases. */
const value: fc.Arbitrary<Value> = fc.constantFrom<Value>("a", "b", "c", 0, -0, Number.NaN);

type Op =
  | { kind: "add"; v: Value }
  | { kind: "delete"; v: Value }
  | { kind: "clear" }
  | { kind: "has"; v: Value }
  | { kind: "size" }
  | { kind: "spread" }
  | { kind: "forEach" }
  | { kind: "entries" }
  | { kind: "keys" }
  | { kind: "copy" }
  | { kind: "addWhileIterating"; v: Value }
  | { kind: "deleteWhileIterating"; v: Value }
  | { kind: "lateIterator"; v: Value };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("add" as const), v: value }),
  fc.record({ kind: fc.constant("delete" as const), v: value }),
  fc.record({ kind: fc.constant("clear" as const) }),
  fc.record({ kind: fc.constant("has" as const), v: value }),
  fc.record({ kind: fc.constant("size" as const) }),
  fc.record({ kind: fc.constant("spread" as const) }),
  fc.record({ kind: fc.constant("forEach" as const) }),
  fc.record({ kind: fc.constant("entries" as const) }),
  fc.record({ kind: fc.constant("keys" as const) }),
  fc.record({ kind: fc.constant("copy" as const) }),
  fc.record({ kind: fc.constant("addWhileIterating" as const), v: value }),
  fc.record({ kind: fc.constant("deleteWhileIterating" as const), v: value }),
  fc.record({ kind: fc.constant("lateIterator" as const), v: value }),
);

/** Applies `o` to `set`; returns what a caller observes (Object.is-comparable values). */
function apply(set: Set<Value>, o: Op): unknown {
  switch (o.kind) {
    case "add":
      return set.add(o.v) === set;
    case "delete":
      return set.delete(o.v);
    case "clear":
      return set.clear();
    case "has":
      return set.has(o.v);
    case "size":
      return set.size;
    case "spread":
      return [...set];
    case "forEach": {
      const seen: unknown[] = [];
      set.forEach(function (this: unknown, v, k, s) {
        seen.push([v, k, s === set, this]);
      }, "ctx");
      return seen;
    }
    case "entries":
      return [...set.entries()];
    case "keys":
      return [...set.keys()];
    case "copy":
      return [...new Set(set)];
    case "addWhileIterating": {
      // A live iterator sees what is added after it started.
      const seen: Value[] = [];
      for (const v of set) {
        seen.push(v);
        if (seen.length === 1) set.add(o.v);
        if (seen.length > 10) break;
      }
      return seen;
    }
    case "deleteWhileIterating": {
      const seen: Value[] = [];
      for (const v of set) {
        seen.push(v);
        set.delete(o.v);
      }
      return seen;
    }
    case "lateIterator": {
      // An iterator made before a change, read after it.
      const it = set.values();
      set.add(o.v);
      return [...it];
    }
  }
}

/** Everything observable of a set's contents. */
function contents(set: Set<Value>): unknown {
  const has = [..."abc", 0, -0, Number.NaN].map((v) => set.has(v));
  return { size: set.size, has, members: Array.from(set) };
}

describe("OwnRoomSet behaves as a Set holding its one member", () => {
  it("answers every sequence of operations as a real Set does (fast-check)", () => {
    fc.assert(
      fc.property(value, fc.array(op, { maxLength: 12 }), (first, ops) => {
        const real = new Set<Value>([first]);
        const own = new OwnRoomSet<Value>(first);
        for (const o of ops) {
          expect(apply(own, o)).toStrictEqual(apply(real, o));
          expect(contents(own)).toStrictEqual(contents(real));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("is an instanceof Set whose constructor is Set, and prints like one", () => {
    const own = new OwnRoomSet("id1");
    expect(own).toBeInstanceOf(Set);
    expect(own.constructor).toBe(Set);
    expect(Object.prototype.toString.call(own)).toBe("[object Set]");
    expect(inspect(new OwnRoomSet("id1"))).toBe(inspect(new Set(["id1"])));
    expect(own).toEqual(new Set(["id1"]));
    expect(new Set(["id1"])).toEqual(new OwnRoomSet("id1"));
  });

  it("stays compact through reads, adding its member and removing it; a walk or another member makes it real", () => {
    const own = new OwnRoomSet("id1");
    expect(own.has("id1")).toBe(true);
    expect(own.has("x")).toBe(false);
    expect(own.size).toBe(1);
    own.add("id1");
    expect(own.delete("x")).toBe(false);
    expect(own.compact).toBe(true);
    expect([...membersOf(own)]).toEqual(["id1"]);
    expect(own.compact).toBe(true);

    own.add("r");
    expect(own.compact).toBe(false);
    expect([...own]).toEqual(["id1", "r"]);

    const walked = new OwnRoomSet("id2");
    expect([...walked]).toEqual(["id2"]);
    expect(walked.compact).toBe(false);

    // Deleting the only member leaves an empty set, no longer compact.
    const emptied = new OwnRoomSet("id3");
    expect(emptied.delete("id3")).toBe(true);
    expect(emptied.compact).toBe(false);
    expect(emptied.size).toBe(0);
    expect([...emptied]).toEqual([]);
    emptied.add("id3");
    expect([...emptied]).toEqual(["id3"]);
  });

  it("membersOf walks any other set as itself", () => {
    const plain = new Set(["a", "b"]);
    expect(membersOf(plain)).toBe(plain);
    const real = new OwnRoomSet("a");
    real.add("b");
    expect([...membersOf(real)]).toEqual(["a", "b"]);
  });

  // Node 20 has none of them, so the comparison runs in Bun, which has them all.
  it("as the receiver or the argument of the ES2025 Set methods, answers as a real Set (in Bun)", () => {
    const run = spawnSync(fileURLToPath(new URL("../../node_modules/.bin/bun", import.meta.url)), ["run", fileURLToPath(new URL("./support/set-methods-check.ts", import.meta.url))], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { checks: number; mismatches: string[] };
    expect(report.mismatches).toEqual([]);
    expect(report.checks).toBe(7 * 4 * 2);
  });
});
