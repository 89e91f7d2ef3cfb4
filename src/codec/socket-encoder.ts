// Socket.IO v5 packet → wire frames: one text frame, then the binary attachments (if any),
// each to travel as its own Engine.IO message.
//
// An EVENT/ACK's arguments are scanned once (extract.ts), which finds whether they hold
// binary and how big they are. Small plain values (most events) are then written by
// small-json.ts, binary swapped for placeholders on the way, faster than JSON.stringify's
// fixed cost. Larger ones go to a single JSON.stringify, after a copying walk that puts the
// placeholders in only when there is binary. Attachments are views of the caller's memory,
// not copies: the caller must not change them until sent.
//
// Which writer is faster for small values depends on the JavaScript engine, so it is a choice
// (`SmallValueWriter`) that the runtime's shim makes once for all encoders: on V8 small-json.ts
// clearly beats JSON.stringify's fixed cost; on JavaScriptCore JSON.stringify wins, since
// there every `+` of the JS writer builds a rope that the socket write must flatten again.
// For the same reason the "native" choice joins each text (header, ack id, JSON) flat with
// one Array.join, where on V8 `+` is cheaper.
//
// Anything that cannot be encoded is the application's mistake and throws EncodeError at
// once: a bad type, namespace or ack id, data the type does not allow, a reserved event
// name, a circular or too deeply nested value, a BigInt, a toJSON or getter that throws.

import type { Frames } from "./binary.js";
import { extractAttachments, scanArguments } from "./extract.js";
import type { Scan } from "./extract.js";
import { EncodeError } from "./errors.js";
import { SMALL_BUDGET, tryWriteSmall } from "./small-json.js";
import { checkPayload, PacketType } from "./socket-packet.js";
import type { Packet } from "./socket-packet.js";

const SLASH = 47;

/** The Engine.IO type of a message packet, which carries every Socket.IO packet. */
const ENGINE_MESSAGE = "4";

/** How an encoder writes the JSON of small (within SMALL_BUDGET) event arguments. */
export type SmallValueWriter =
  /** small-json.ts, piece by piece from JavaScript: the default, fastest on V8. */
  | "js"
  /** JSON.stringify for every value, and each text joined flat at once: fastest on JavaScriptCore. */
  | "native";

export interface EncoderOptions {
  /** Default: the shared choice of {@link setSmallValueWriter}, read at each encode ("js" unless set). */
  smallValues?: SmallValueWriter;
}

/** The shared writer, for encoders not given one: it follows the JavaScript engine, not a server. */
let sharedWriter: SmallValueWriter = "js";

/**
 * Sets the writer of small values for every encoder not given one, from the next encode on.
 * A runtime's shim calls it for the engine it runs on; the output is the same either way.
 */
export function setSmallValueWriter(writer: SmallValueWriter): void {
  sharedWriter = checkWriter(writer);
}

/** `writer`, once it is known to be one (JavaScript callers can pass anything). */
function checkWriter(writer: SmallValueWriter): SmallValueWriter {
  if (writer !== "js" && writer !== "native") throw new TypeError(`unknown small-value writer ${String(writer)}`);
  return writer;
}

/** Encodes Socket.IO packets; stateless, so one instance can serve every connection. */
export class Encoder {
  /** The writer this encoder always uses, or undefined for the shared one. */
  readonly smallValues: SmallValueWriter | undefined;

  constructor(options: EncoderOptions = {}) {
    const writer = options.smallValues;
    this.smallValues = writer === undefined ? undefined : checkWriter(writer);
  }

  /**
   * The frames of `packet`: its text, then one Uint8Array per binary attachment. An EVENT or
   * ACK (or BINARY_EVENT/BINARY_ACK) is sent as BINARY_* exactly when its data holds binary.
   * With `engineMessage` the text starts with the Engine.IO message type ("4"): written here
   * with the header, it spares a concatenation (and, on JavaScriptCore, a rope to flatten).
   */
  encode(packet: Packet, engineMessage = false): Frames {
    const { type, nsp, id } = packet;
    // socket.io-parser writes no data for null as well as for undefined.
    const data = packet.data ?? undefined;

    const problem = checkPayload(type, data);
    if (problem !== undefined) throw new EncodeError(problem, `type ${String(type)}`);

    const frames: Frames = [""];
    if (type === PacketType.CONNECT || type === PacketType.DISCONNECT || type === PacketType.CONNECT_ERROR) {
      let head = type === PacketType.CONNECT ? "0" : type === PacketType.DISCONNECT ? "1" : "4";
      if (engineMessage) head = ENGINE_MESSAGE + head;
      if (nsp !== "/") head += checkNamespace(nsp) + ",";
      if (id !== undefined) head += checkAckId(id);
      frames[0] = data === undefined ? head : head + stringify(data);
      return frames;
    }

    // EVENT or ACK: the arguments may hold binary anywhere; its count goes into the header.
    const jsWriter = (this.smallValues ?? sharedWriter) === "js";
    const json = writeArguments(data, frames, jsWriter);
    const attachments = frames.length - 1;
    const event = type === PacketType.EVENT || type === PacketType.BINARY_EVENT;
    let head: string;
    if (attachments === 0) head = engineMessage ? (event ? "42" : "43") : event ? "2" : "3";
    else head = `${engineMessage ? ENGINE_MESSAGE : ""}${event ? "5" : "6"}${attachments}-`;
    if (!jsWriter) {
      frames[0] = flatText(head, nsp, id, json);
      return frames;
    }
    // On V8 `+` makes cons strings, which the socket write flattens in one pass.
    if (nsp !== "/") head += checkNamespace(nsp) + ",";
    if (id !== undefined) head += checkAckId(id);
    frames[0] = head + json;
    return frames;
  }
}

/** Reused by every encode: what the scan of the arguments found. */
const found: Scan = { size: 0, binary: false };

/**
 * The JSON of an event's arguments, binary replaced by placeholders and added to `frames`;
 * small values by small-json.ts when `jsWriter`.
 */
function writeArguments(data: unknown, frames: Frames, jsWriter: boolean): string {
  scanArguments(data, found);
  // Read at once: a getter or toJSON below may encode something and overwrite `found`.
  const { size, binary } = found;
  if (jsWriter && size <= SMALL_BUDGET) {
    let small: string | undefined;
    try {
      small = tryWriteSmall(data, frames);
    } catch (error) {
      throw unserializable(error); // a getter threw
    }
    if (small !== undefined) return small;
    frames.length = 1; // not plain data after all: forget what the writer found
  }
  return stringify(binary ? extractAttachments(data, frames) : data);
}

/**
 * `head`, namespace, ack id and JSON as one flat string, for JavaScriptCore (the "native"
 * writer): there `+` makes ropes that the socket write has to flatten, and an id converted to
 * a string on its own costs an allocation, while `join` writes the number itself and copies
 * every part once.
 */
function flatText(head: string, nsp: string, id: number | undefined, json: string): string {
  if (nsp === "/") return id === undefined ? [head, json].join("") : [head, checkAckId(id), json].join("");
  const name = checkNamespace(nsp);
  return id === undefined ? [head, name, ",", json].join("") : [head, name, ",", checkAckId(id), json].join("");
}

function checkNamespace(nsp: unknown): string {
  if (typeof nsp !== "string" || nsp.charCodeAt(0) !== SLASH || nsp.includes(",")) {
    throw new EncodeError("invalid namespace", `${JSON.stringify(nsp)} must start with "/" and hold no ","`);
  }
  return nsp;
}

function checkAckId(id: unknown): number {
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) {
    throw new EncodeError("invalid ack id", String(id));
  }
  return id;
}

function unserializable(error: unknown): EncodeError {
  return new EncodeError("unserializable value", error instanceof Error ? error.message : String(error), { cause: error });
}

/** JSON.stringify, with its errors (BigInt, cycles behind toJSON, depth) as EncodeError. */
function stringify(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw error instanceof RangeError ? new EncodeError("too deep", undefined, { cause: error }) : unserializable(error);
  }
  // Only a top-level function, symbol or undefined gives no JSON; the type checks above
  // allow none of them, but a toJSON() may still return one.
  if (json === undefined) throw new EncodeError("unserializable value", "value has no JSON form");
  return json;
}
