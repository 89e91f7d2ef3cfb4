// A JSON writer for the small arguments most events carry, that also swaps binary for
// placeholders in the same pass.
//
// Why not just JSON.stringify? Because for small values its fixed cost (a call into the
// engine's C++ and a fresh string builder) is most of the time spent: for `["chat","hi"]`
// writing the few pieces from JavaScript is about twice as fast. For large values the native
// writer wins, so the encoder first asks `isSmallPlain` (a walk that gives up after a few
// dozen nodes), and only then calls `writeSmall`; anything else goes the other way round
// (find binary, then JSON.stringify).
//
// The output is exactly JSON.stringify's, character for character (the tests compare them
// on generated values): arrays write every index (holes, undefined, functions and symbols
// as null), objects their own enumerable string keys in the same order (skipping undefined,
// function and symbol values), numbers as JSON does (non-finite as null), and any string
// that needs escaping is quoted by JSON.stringify itself. The writer only takes plain data:
// arrays, objects whose prototype is Object.prototype or null, no toJSON, no BigInt. Meeting
// anything else (a getter may hand out something new) it gives up with NOT_SMALL and the
// encoder takes the general path.

import { isBinary, toBytes } from "./binary.js";
import type { Frames } from "./binary.js";

/** How much small data may hold: about one unit per node and per 16 characters. */
export const SMALL_BUDGET = 48;

/** Thrown by writeSmall when it meets something that is not plain data. */
export const NOT_SMALL: unique symbol = Symbol("not small plain data");

const hasOwn = Object.prototype.hasOwnProperty;

/** Whether `value` is plain data small enough for {@link writeSmall}. */
export function isSmallPlain(value: unknown): boolean {
  return remaining(value, SMALL_BUDGET) >= 0;
}

/** `budget` minus what `value` costs, or -1 as soon as it is over or not plain data. */
function remaining(value: unknown, budget: number): number {
  switch (typeof value) {
    case "string":
      return budget - 1 - (value.length >> 4);
    case "object": {
      if (value === null) return budget - 1;
      if (isBinary(value)) return budget - 1;
      let left = budget - 2;
      if (Array.isArray(value)) {
        if (typeof (value as { toJSON?: unknown }).toJSON === "function") return -1;
        for (let i = 0; i < value.length && left >= 0; i++) left = remaining(value[i], left);
        return left;
      }
      if (!isPlainObject(value)) return -1;
      const record = value as Record<string, unknown>;
      for (const key in record) {
        if (left < 0) return -1;
        if (hasOwn.call(record, key)) left = remaining(record[key], left - 1 - (key.length >> 4));
      }
      return left;
    }
    case "bigint":
      return -1;
    default:
      // numbers, booleans, and what JSON writes as null or leaves out
      return budget - 1;
  }
}

/** An object JSON writes as its own enumerable keys: a prototype of Object or none, no toJSON. */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/**
 * The JSON of `value` (plain data) with every binary value written as a placeholder and
 * appended to `frames`. Throws NOT_SMALL when it meets anything that is not plain data.
 */
let budget = 0;

/** Like writeSmall, but gives up with NOT_SMALL once `value` proves bigger than SMALL_BUDGET. */
export function tryWriteSmall(value: unknown, frames: Frames): string {
  budget = SMALL_BUDGET;
  return writeSmall(value, frames, 0);
}

export function writeSmall(value: unknown, frames: Frames, depth = 0): string {
  if (--budget < 0) throw NOT_SMALL;
  switch (typeof value) {
    case "string":
      budget -= value.length >> 4;
      return quote(value);
    case "number":
      return Number.isFinite(value) ? "" + value : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (isBinary(value)) {
        const num = frames.length - 1;
        frames.push(toBytes(value));
        return '{"_placeholder":true,"num":' + num + "}";
      }
      // isSmallPlain bounded the depth, but a getter may return something deeper now.
      if (depth === SMALL_BUDGET) throw NOT_SMALL;
      const next = depth + 1;
      if (Array.isArray(value)) {
        if (typeof (value as { toJSON?: unknown }).toJSON === "function") throw NOT_SMALL;
        if (value.length === 0) return "[]";
        let json = "[" + writeItem(value[0], frames, next);
        for (let i = 1; i < value.length; i++) json += "," + writeItem(value[i], frames, next);
        return json + "]";
      }
      if (!isPlainObject(value)) throw NOT_SMALL;
      const record = value as Record<string, unknown>;
      let json = "";
      for (const key in record) {
        if (!hasOwn.call(record, key)) continue;
        const item = record[key];
        if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
        json += (json === "" ? "{" : ",") + quote(key) + ":" + writeSmall(item, frames, next);
      }
      return json === "" ? "{}" : json + "}";
    }
    default:
      // A getter may return something new on this second read: let the general path decide.
      throw NOT_SMALL;
  }
}

/** An array item: what JSON leaves out of objects it writes as null in arrays. */
function writeItem(item: unknown, frames: Frames, depth: number): string {
  return item === undefined || typeof item === "function" || typeof item === "symbol"
    ? "null"
    : writeSmall(item, frames, depth);
}

/** `text` as a JSON string; anything that needs escaping is left to JSON.stringify. */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // control characters, '"', '\\', and surrogates (lone ones are escaped by JSON)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return '"' + text + '"';
}
