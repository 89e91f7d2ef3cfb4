// Decoding: a binary packet's placeholders swapped back for its attachments.
//
// The walk works in place (the data comes straight from JSON.parse and belongs to us). It
// recurses, which is fastest, down to RECURSION_LIMIT levels; anything deeper is queued and
// walked from an explicit stack, so JSON of any depth cannot overflow the call stack. Every
// placeholder must name an existing attachment, and every attachment must be named.
//
// The walk's state lives in module variables for the length of one synchronous call: the
// data is plain JSON (no getters, no user code), so nothing can re-enter.

import { setOwn } from "./binary.js";
import { DecodeError } from "./errors.js";

/** Levels walked by recursion before the rest is queued for the iterative walk. */
const RECURSION_LIMIT = 64;

const NONE: readonly Uint8Array[] = [];
const hasOwn = Object.prototype.hasOwnProperty;

let attachments = NONE;
/** Which attachments a placeholder named (only kept with more than one attachment). */
let used: Uint8Array | undefined;
/** How many distinct attachments were named. */
let named = 0;
/** Nodes deeper than RECURSION_LIMIT, left for the iterative walk. */
let deferred: object[] | undefined;

/**
 * Puts `found` back where their placeholders are in `data`, in place. Throws DecodeError
 * for a placeholder that names no attachment, and for an attachment that no placeholder names.
 */
export function insertAttachments(data: unknown, found: readonly Uint8Array[]): unknown {
  attachments = found;
  used = found.length > 1 ? new Uint8Array(found.length) : undefined;
  named = 0;
  deferred = undefined;
  try {
    let result = data;
    if (typeof data === "object" && data !== null) {
      if (isPlaceholder(data)) result = resolve(data);
      else visit(data, 0);
    }
    const queue = deferred as object[] | undefined;
    if (queue !== undefined) for (let node = queue.pop(); node !== undefined; node = queue.pop()) visit(node, 0);
    if (named !== found.length) {
      throw new DecodeError("unused attachment", `${found.length - named} of ${found.length} not referenced`);
    }
    return result;
  } finally {
    attachments = NONE; // hold on to nothing between calls
    used = undefined;
    deferred = undefined;
  }
}

/** Replaces the placeholders among `node`'s children, then walks its other object children. */
function visit(node: object, depth: number): void {
  if (depth === RECURSION_LIMIT) {
    (deferred ??= []).push(node);
    return;
  }
  const next = depth + 1;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (typeof item !== "object" || item === null) continue;
      if (isPlaceholder(item)) node[i] = resolve(item);
      else visit(item, next);
    }
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    // Own properties only: never walk into (let alone change) a polluted prototype.
    if (typeof item !== "object" || item === null || !hasOwn.call(record, key)) continue;
    if (isPlaceholder(item)) setOwn(record, key, resolve(item));
    else visit(item, next);
  }
}

/** The attachment a placeholder names; throws unless it names one. */
function resolve(placeholder: { num?: unknown }): Uint8Array {
  const num = placeholder.num;
  const attachment = typeof num === "number" && Number.isInteger(num) && num >= 0 ? attachments[num] : undefined;
  if (attachment === undefined) {
    // Describe `num` without stringifying it: it may be any (deeply nested) JSON value.
    const shown = typeof num === "number" ? String(num) : num === null ? "null" : typeof num;
    throw new DecodeError("invalid placeholder", `num ${shown} with ${attachments.length} attachment(s)`);
  }
  if (used === undefined) named = 1;
  else if (used[num as number] === 0) {
    used[num as number] = 1;
    named++;
  }
  return attachment;
}

function isPlaceholder(value: object): value is { _placeholder: true; num?: unknown } {
  return !Array.isArray(value) && (value as { _placeholder?: unknown })._placeholder === true;
}
