// The encoder's small-value JSON writer must give exactly JSON.stringify's text, or step
// aside (undefined) for the general path. Checked on hand-picked corner cases and on
// generated values full of what JSON treats specially.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SMALL_BUDGET, tryWriteSmall } from "../../src/codec/small-json.js";
import type { Frames } from "../../src/codec/index.js";

const write = (value: unknown): string | undefined => tryWriteSmall(value, [""]);

describe("small JSON writer", () => {
  it.each<[string, unknown]>([
    ["strings that need escaping", ["\"", "\\", "\n\r\t\b\f", "\u0000\u001f", "\u007f", "\u2028\u2029", "é", "😀", "\ud800", "x\udc00y"]],
    ["long strings with and without escapes", ["a".repeat(40), "a".repeat(40) + "\n", "é".repeat(30) + "\"", "\ud83d\ude00".repeat(12)]],
    ["keys that need escaping", [{ "\"": 1, "a\nb": 2, "😀": 3, "\ud800": 4 }]],
    ["numbers", [0, -0, 1, -1, 0.1, 1e21, 1e-7, -1e-7, 2 ** 31, -(2 ** 31), 999_999_999, 1e9, -1e9, 1_700_000_000_000, -1_700_000_000_123, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e100, 5e-324, NaN, Infinity, -Infinity, 100_000_000, 1_000_000_007, 10_000_000_000_000]],
    ["what JSON writes as null in arrays", [undefined, () => 1, Symbol("s"), null]],
    ["what JSON leaves out of objects", [{ a: undefined, b: () => 1, c: Symbol("s"), d: 1 }, { only: undefined }]],
    ["holes", [1, , 3]], // eslint-disable-line no-sparse-arrays
    ["empty things", [[], {}, "", [[]], [{}]]],
    ["integer-like keys come first, ascending", [{ b: 1, 2: "two", a: 2, 1: "one", "-1": "neg", "01": "lead" }]],
    ["a null-prototype object", [Object.assign(Object.create(null) as object, { x: 1, y: [true, false] })]],
    ["booleans and nesting", [[true, [false, [null, { deep: { deeper: [1] } }]]]]],
  ])("matches JSON.stringify: %s", (_, value) => {
    expect(write(value)).toBe(JSON.stringify(value));
  });

  it("ignores inherited enumerable properties, like JSON.stringify", () => {
    const proto = { inherited: 1 };
    const child = Object.create(proto) as Record<string, unknown>;
    child["own"] = 2;
    // Not a plain object (its prototype is not Object.prototype): the general path takes it.
    expect(write([child])).toBeUndefined();
    const plain: Record<string, unknown> = { own: 2 };
    expect(write([plain])).toBe('[{"own":2}]');
  });

  it.each<[string, unknown]>([
    ["a Date (toJSON)", ["d", new Date(0)]],
    ["an object with toJSON", [{ toJSON: () => "x" }]],
    ["an array with toJSON", [Object.assign([1], { toJSON: () => "x" })]],
    ["a class instance", [new (class Point { x = 1; })()]],
    ["a Map", [new Map([[1, 2]])]],
    ["a boxed string", [new String("s")]],
    ["a BigInt", [1n]],
    ["a long array", Array.from({ length: SMALL_BUDGET + 1 }, (_, i) => i)],
    ["a long string", ["x".repeat(16 * SMALL_BUDGET)]],
    ["a deep value", JSON.parse("[".repeat(SMALL_BUDGET + 1) + "]".repeat(SMALL_BUDGET + 1)) as unknown],
  ])("steps aside for %s", (_, value) => {
    expect(write(value)).toBeUndefined();
  });

  it("steps aside for a circular value instead of looping", () => {
    const loop: unknown[] = [1];
    loop.push(loop);
    expect(write(loop)).toBeUndefined();
  });

  it("writes binary as numbered placeholders and collects the same memory", () => {
    const a = new Uint8Array([1]);
    const buffer = new ArrayBuffer(2);
    const frames: Frames = [""];
    expect(tryWriteSmall(["x", a, { b: buffer, c: [new Uint16Array(buffer)] }], frames)).toBe(
      '["x",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1},"c":[{"_placeholder":true,"num":2}]}]',
    );
    expect(frames[1]).toBe(a);
    expect(frames[2]?.buffer).toBe(buffer);
    expect(frames[3]?.buffer).toBe(buffer);
  });

  it("reads each getter once", () => {
    let reads = 0;
    const value = {
      get name(): string {
        reads++;
        return "n";
      },
    };
    expect(write([value])).toBe('[{"name":"n"}]');
    expect(reads).toBe(1);
  });

  it("matches JSON.stringify on generated values, or steps aside", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ maxLength: 30, unit: "binary" }),
      fc.string({ maxLength: 30, unit: "grapheme" }),
      fc.constantFrom("\"", "\\", "\n", "\u0000", "\ud800", "\udfff", "\u2028"),
    );
    const number = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e9, -1e9, 999_999_999, 1e21, 2 ** 53),
    );
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        text,
        number,
        fc.boolean(),
        fc.constantFrom(null, undefined),
        fc.array(tie("v"), { maxLength: 6 }),
        fc.dictionary(text, tie("v"), { maxKeys: 6, noNullPrototype: false }),
      ),
    })).v;
    let written = 0;
    fc.assert(
      fc.property(value, (v) => {
        const mine = write(v);
        if (mine !== undefined) {
          written++;
          expect(mine).toBe(JSON.stringify(v));
        }
      }),
      { numRuns: 5000 },
    );
    expect(written).toBeGreaterThan(2500);
  });
});
