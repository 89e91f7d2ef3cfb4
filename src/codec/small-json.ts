// A JSON writer for the small arguments most events carry, that also swaps binary for
// placeholders in the same pass.
//
// Why not just JSON.stringify? Because for small values its fixed cost (a call into the
// engine's C++ and a fresh string builder) is most of the time spent: for `["chat","hi"]`
// writing the few pieces from JavaScript is clearly faster. For large values the native
// writer wins. The encoder's scan for binary (extract.ts) also measures the value, in the
// units of SMALL_BUDGET (about one per node and per 16 characters of string), and the
// encoder picks this writer only for values within the budget. The writer keeps its own
// count too, since a getter may return something else the second time, and gives up
// (returns undefined, never throws: unwinding an exception costs more than the whole write)
// on anything over budget or not plain data; the encoder then calls JSON.stringify.
// All of this holds on V8. On JavaScriptCore JSON.stringify is the faster of the two, so the
// encoder takes a `SmallValueWriter` that a runtime's shim sets (socket-encoder.ts).
//
// The output is exactly JSON.stringify's, character for character (the tests compare them
// on generated values): arrays write every index (holes, undefined, functions and symbols
// as null), objects their own enumerable string keys in the same order (skipping undefined,
// function and symbol values), numbers as JSON does (non-finite as null), and any string
// that needs escaping is quoted by JSON.stringify itself. Plain data means: arrays without
// toJSON, objects whose prototype is Object.prototype or null and without toJSON, and
// primitives other than BigInt. Dates, class instances and the like take the general path.

import { isBinary, toBytes } from "./binary.js";
import type { Frames } from "./binary.js";

/** How much "small" data may hold: about one unit per node and per 16 string characters. */
export const SMALL_BUDGET = 32;

const hasOwn = Object.prototype.hasOwnProperty;

/** Units left while a write is under way; below zero means "not small, give up". */
let budget = 0;

/**
 * The JSON of `value` with every binary value written as a placeholder and appended to
 * `frames`, or undefined (with `frames` possibly holding some of the attachments) when
 * `value` is not small plain data. Meant for values already known to be small (the
 * encoder's walk for binary measures them); the budget only guards against getters that
 * return something else the second time.
 */
export function tryWriteSmall(value: unknown, frames: Frames): string | undefined {
  const outer = budget; // a getter may encode something itself: keep the outer write's count
  budget = SMALL_BUDGET;
  try {
    return write(value, frames);
  } finally {
    budget = outer;
  }
}

function write(value: unknown, frames: Frames): string | undefined {
  if (--budget < 0) return undefined;
  switch (typeof value) {
    case "string":
      budget -= value.length >> 4;
      return budget < 0 ? undefined : quote(value);
    case "number":
      return writeNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return writeArray(value, frames);
      if (isPlainObject(value)) return writeObject(value as Record<string, unknown>, frames);
      if (isBinary(value)) {
        const num = frames.length - 1;
        frames.push(toBytes(value));
        return '{"_placeholder":true,"num":' + num + "}";
      }
      return undefined;
    default:
      // BigInt, and a getter returning a function or symbol where a value was expected.
      return undefined;
  }
}

function writeArray(array: readonly unknown[], frames: Frames): string | undefined {
  if (typeof (array as { toJSON?: unknown }).toJSON === "function") return undefined;
  const length = array.length;
  if (length === 0) return "[]";
  let json = "[";
  for (let i = 0; i < length; i++) {
    const item = array[i];
    // What JSON leaves out of objects it writes as null in arrays.
    const part =
      item === undefined || typeof item === "function" || typeof item === "symbol" ? "null" : write(item, frames);
    if (part === undefined) return undefined;
    json += i === 0 ? part : "," + part;
  }
  return json + "]";
}

function writeObject(record: Record<string, unknown>, frames: Frames): string | undefined {
  let json = "{";
  for (const key in record) {
    if (!hasOwn.call(record, key)) continue;
    const item = record[key];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    const part = write(item, frames);
    if (part === undefined) return undefined;
    budget -= key.length >> 4;
    // Written piece by piece: fewer intermediate strings than quoting the key first.
    if (json.length !== 1) json += ",";
    json += isPlainText(key) ? '"' + key + '":' : JSON.stringify(key) + ":";
    json += part;
  }
  return json + "}";
}

const ZEROS = ["", "0", "00", "000", "0000", "00000", "000000", "0000000"];

/** A number as JSON writes it. */
function writeNumber(value: number): string {
  if (value < 1e9 && value > -1e9) return "" + value;
  // Large integers (timestamps, ids) convert several times faster as two halves: the engine
  // caches the strings of small numbers but not of these.
  if (Number.isSafeInteger(value)) {
    const magnitude = value < 0 ? -value : value;
    const high = Math.floor(magnitude / 1e8);
    const low = "" + (magnitude - high * 1e8);
    return (value < 0 ? "-" : "") + high + ZEROS[8 - low.length]! + low;
  }
  return Number.isFinite(value) ? "" + value : "null";
}

/** An object JSON writes as its own enumerable keys: a prototype of Object or none, no toJSON. */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** `text` as a JSON string; anything that needs escaping is left to JSON.stringify. */
function quote(text: string): string {
  return isPlainText(text) ? '"' + text + '"' : JSON.stringify(text);
}

/** A character JSON escapes, or a surrogate (JSON escapes lone ones). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Whether `text` goes into JSON as it is: no control character, '"', '\\' or surrogate. */
function isPlainText(text: string): boolean {
  // Short strings (keys, names) are faster to scan by hand, longer ones by a regular expression.
  if (text.length > 16) return !NEEDS_ESCAPE.test(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Surrogates included: JSON escapes lone ones, and telling them apart is not worth it.
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}
