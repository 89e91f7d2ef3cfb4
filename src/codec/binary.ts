// Binary attachments of Socket.IO packets.
//
// Out: every binary value in an event's arguments (an ArrayBuffer or any ArrayBuffer view:
// Uint8Array, Buffer, DataView, other typed arrays), found depth-first through arrays, plain
// objects and the results of `toJSON()` exactly where socket.io-parser's `hasBinary` looks,
// is replaced by `{"_placeholder":true,"num":N}` and collected as a Uint8Array view of the
// same memory (never a copy). The walk is also the search for binary: data without binary
// comes back as the very same value, and copies are made only along the paths to binary.
//
// In: every placeholder in a decoded packet is swapped for its attachment, iteratively, so
// JSON of any depth cannot overflow the stack. A placeholder must name an existing
// attachment, and every attachment must be named.

import { DecodeError, EncodeError } from "./errors.js";

/** How deep the encoder follows arrays and objects looking for binary. */
export const MAX_ENCODE_DEPTH = 1000;

/** The shape a binary value takes in the JSON part of a packet. */
export interface Placeholder {
  _placeholder: true;
  num: number;
}

/** True for an ArrayBuffer or any view of one (typed arrays, DataView, Buffer). */
export function isBinary(value: object): value is ArrayBuffer | ArrayBufferView {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/** A Uint8Array over the same memory as `value`; `value` itself when it already is one. */
export function toBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}

/** Where extracted attachments go; index 0 is reserved for the packet's text. */
export type Frames = [string, ...Uint8Array[]];

/** Signals that the walk went deeper than MAX_ENCODE_DEPTH; turned into an EncodeError. */
class TooDeep {}
const TOO_DEEP = new TooDeep();

/**
 * `value` with its binary replaced by placeholders, the attachments appended to `frames`.
 * Returns `value` itself when it holds no binary. Throws EncodeError when `value` is
 * circular, nested deeper than MAX_ENCODE_DEPTH, or has a toJSON() that throws.
 */
export function extractAttachments(value: unknown, frames: Frames): unknown {
  try {
    return extract(value, frames, 0, false);
  } catch (error) {
    if (error !== TOO_DEEP) {
      // A toJSON() threw: the value has no wire form.
      const detail = error instanceof Error ? error.message : String(error);
      throw new EncodeError("unserializable value", detail, { cause: error });
    }
    throw hasCycle(value, 0, [])
      ? new EncodeError("circular value")
      : new EncodeError("too deep", `more than ${MAX_ENCODE_DEPTH} levels`);
  }
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
    // The common case, no binary, stays in this tight loop and allocates nothing.
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
    // Like JSON.stringify, look at what toJSON() gives (a Date gives a string: no binary).
    const json: unknown = toJSON.call(value);
    const extracted = extract(json, frames, next, true);
    return extracted === json ? value : extracted;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    // Only objects can hold binary; only own properties are serialized.
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

/** `record[key] = value`, except that a "__proto__" key becomes an own property too. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
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

/**
 * Puts `attachments` back where their placeholders are in `data` (in place: `data` comes
 * straight from JSON.parse and belongs to us). Throws DecodeError for a placeholder that
 * names no attachment, and for an attachment that no placeholder names.
 */
export function insertAttachments(data: unknown, attachments: readonly Uint8Array[]): unknown {
  const count = attachments.length;
  // Which attachments a placeholder named; with a single one, naming it at all is enough.
  const used = count > 1 ? new Uint8Array(count) : undefined;
  let named = 0;

  if (isPlaceholder(data)) {
    const num = placeholderIndex(data, count);
    return count === 1 && num === 0 ? attachments[0] : finishTooFew(count, 1);
  }
  if (typeof data !== "object" || data === null) return finish(data, count, 0);

  const pending: object[] = [data];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item !== "object" || item === null) continue;
        if (!isPlaceholder(item)) {
          pending.push(item);
          continue;
        }
        const num = placeholderIndex(item, count);
        node[i] = attachments[num];
        if (used === undefined) named = 1;
        else if (used[num] === 0) {
          used[num] = 1;
          named++;
        }
      }
    } else {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const item = record[key];
        if (typeof item !== "object" || item === null || !Object.prototype.hasOwnProperty.call(record, key)) continue;
        if (!isPlaceholder(item)) {
          pending.push(item);
          continue;
        }
        const num = placeholderIndex(item, count);
        setOwn(record, key, attachments[num]);
        if (used === undefined) named = 1;
        else if (used[num] === 0) {
          used[num] = 1;
          named++;
        }
      }
    }
  }
  return finish(data, count, named);
}

/** The attachment index a placeholder names; throws unless it names one of `count`. */
function placeholderIndex(placeholder: { num?: unknown }, count: number): number {
  const num = placeholder.num;
  if (typeof num === "number" && Number.isInteger(num) && num >= 0 && num < count) return num;
  // Describe `num` without stringifying it: it may be any (deeply nested) JSON value.
  const shown = typeof num === "number" ? String(num) : typeof num === "string" ? "a string" : String(num === null ? null : typeof num);
  throw new DecodeError("invalid placeholder", `num ${shown} with ${count} attachment(s)`);
}

function finish(data: unknown, count: number, named: number): unknown {
  return named === count ? data : finishTooFew(count, named);
}

function finishTooFew(count: number, named: number): never {
  throw new DecodeError("unused attachment", `${count - named} of ${count} not referenced`);
}

function isPlaceholder(value: unknown): value is { _placeholder: true; num?: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { _placeholder?: unknown })._placeholder === true
  );
}
