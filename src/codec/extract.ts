// Encoding: finding an event's binary and taking it out.
//
// Binary is an ArrayBuffer or any view of one, found depth-first through arrays, objects'
// own enumerable properties and the results of `toJSON()`, exactly where socket.io-parser's
// `hasBinary`/`deconstructPacket` look. Two walks, and the second only when needed:
//
//   scanArguments      looks at every node once: is there binary, and how big is the value
//                      (in small-json.ts's budget units)? It allocates nothing. It is also
//                      where values that cannot be encoded are caught: circular, nested
//                      deeper than MAX_ENCODE_DEPTH, or with a throwing toJSON().
//   extractAttachments runs only for a LARGE value that HAS binary (a small one is written
//                      by small-json.ts with its binary in place). It returns a copy in
//                      which each binary value is a placeholder, copying only the paths
//                      that lead to binary, and appends the attachments to the frames as
//                      Uint8Array views of the same memory (never a copy of the bytes).

import { isBinary, MAX_ENCODE_DEPTH, setOwn, toBytes } from "./binary.js";
import type { Frames, Placeholder } from "./binary.js";
import { EncodeError } from "./errors.js";

/** What scanArguments found. */
export interface Scan {
  /** Nodes, plus one per 16 characters of each string and key. */
  size: number;
  binary: boolean;
}

// The scan's running totals, in module state so the hot path allocates nothing. A toJSON()
// or getter that encodes something itself gets a fresh scan; the outer totals are restored.
let size = 0;
let binary = false;

/** Signals that a walk went deeper than MAX_ENCODE_DEPTH; turned into an EncodeError. */
const TOO_DEEP: unique symbol = Symbol("too deep");

/**
 * Size and binary-ness of an event's arguments (written into `into`, so the hot path
 * allocates nothing). Throws EncodeError for a circular value, one nested deeper than
 * MAX_ENCODE_DEPTH, or a toJSON() that throws.
 */
export function scanArguments(value: unknown, into: Scan): void {
  // A toJSON() or getter may itself encode something: keep the outer scan's totals.
  const outerSize = size;
  const outerBinary = binary;
  size = 0;
  binary = false;
  try {
    scan(value, 0, false);
    into.size = size;
    into.binary = binary;
  } catch (error) {
    throw failure(error, value);
  } finally {
    size = outerSize;
    binary = outerBinary;
  }
}

/**
 * `value` with its binary replaced by placeholders, the attachments appended to `frames`.
 * Returns `value` itself when it holds no binary.
 */
export function extractAttachments(value: unknown, frames: Frames): unknown {
  try {
    return extract(value, frames, 0, false);
  } catch (error) {
    throw failure(error, value);
  }
}

/** The EncodeError that what escaped a walk of `value` means. */
function failure(error: unknown, value: unknown): EncodeError {
  if (error === TOO_DEEP) {
    return hasCycle(value, 0, [])
      ? new EncodeError("circular value")
      : new EncodeError("too deep", `more than ${MAX_ENCODE_DEPTH} levels`);
  }
  // A toJSON() or a getter threw: the value has no wire form.
  const detail = error instanceof Error ? error.message : String(error);
  return new EncodeError("unserializable value", detail, { cause: error });
}

function scan(value: unknown, depth: number, fromToJSON: boolean): void {
  if (typeof value !== "object" || value === null) {
    size += sizeOf(value);
    return;
  }
  size++;
  if (isBinary(value)) {
    binary = true;
    return;
  }
  if (depth === MAX_ENCODE_DEPTH) throw TOO_DEEP;
  const next = depth + 1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Primitives cannot hold binary: no call for them.
      if (typeof item === "object" && item !== null) scan(item, next, false);
      else size += sizeOf(item);
    }
    return;
  }
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function" && !fromToJSON) {
    // Like JSON.stringify, look at what toJSON() gives (a Date gives a string: no binary).
    scan(toJSON.call(value), next, true);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    size += key.length >> 4;
    // Only own properties are serialized; only objects can hold binary.
    if (typeof item === "object" && item !== null) {
      if (Object.prototype.hasOwnProperty.call(record, key)) scan(item, next, false);
    } else {
      size += sizeOf(item);
    }
  }
}

/** The size of a primitive: one unit, and one more per 16 characters of a string. */
function sizeOf(primitive: unknown): number {
  return typeof primitive === "string" ? 1 + (primitive.length >> 4) : 1;
}

function extract(value: unknown, frames: Frames, depth: number, fromToJSON: boolean): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isBinary(value)) {
    const placeholder: Placeholder = { _placeholder: true, num: frames.length - 1 };
    frames.push(toBytes(value));
    return placeholder;
  }
  if (depth === MAX_ENCODE_DEPTH) throw TOO_DEEP;
  const next = depth + 1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null) {
        const extracted = extract(item, frames, next, false);
        if (extracted !== item) return copyArrayFrom(value, i, extracted, frames, next);
      }
    }
    return value;
  }
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function" && !fromToJSON) {
    const json: unknown = toJSON.call(value);
    const extracted = extract(json, frames, next, true);
    return extracted === json ? value : extracted;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === "object" && item !== null && Object.prototype.hasOwnProperty.call(record, key)) {
      const extracted = extract(item, frames, next, false);
      if (extracted !== item) return copyObjectFrom(record, key, extracted, frames, next);
    }
  }
  return value;
}

/** A copy of `array` whose item `at` is `first`, with the items after it extracted too. */
function copyArrayFrom(array: readonly unknown[], at: number, first: unknown, frames: Frames, depth: number): unknown[] {
  const copy = array.slice(0, at);
  copy.push(first);
  for (let i = at + 1; i < array.length; i++) copy.push(extract(array[i], frames, depth, false));
  return copy;
}

/** A plain copy of `record`'s own enumerable properties, `first` at `at`, later ones extracted. */
function copyObjectFrom(
  record: Record<string, unknown>,
  at: string,
  first: unknown,
  frames: Frames,
  depth: number,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  let seen = false;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    if (key === at) {
      seen = true;
      setOwn(copy, key, first);
    } else {
      setOwn(copy, key, seen ? extract(record[key], frames, depth, false) : record[key]);
    }
  }
  return copy;
}

/** Whether `value` contains itself (only called after the walk hit its depth limit). */
function hasCycle(value: unknown, depth: number, ancestors: object[]): boolean {
  if (typeof value !== "object" || value === null || isBinary(value)) return false;
  if (ancestors.includes(value)) return true;
  if (depth > MAX_ENCODE_DEPTH) return false;
  ancestors.push(value);
  const record = value as Record<string, unknown>;
  let found = false;
  for (const key in record) {
    if (Object.prototype.hasOwnProperty.call(record, key) && hasCycle(record[key], depth + 1, ancestors)) {
      found = true;
      break;
    }
  }
  ancestors.pop();
  return found;
}
