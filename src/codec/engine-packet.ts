// Engine.IO v4 packets, one at a time (a WebSocket message, or one part of a polling payload).
//
// A text packet is one type digit followed by its data: "4hello", "2probe", "6". A binary
// message has no type at all: over WebSocket it is the raw bytes of a binary frame, and where
// only text can travel (polling) it is "b" followed by the bytes in base64. This is exactly
// what engine.io-parser v5 (protocol v4) does.
//
// Decoding never copies: a text packet's data is a slice of the input, a binary frame's bytes
// are the input itself.

import { decodeBase64, encodeBase64 } from "./base64.js";
import { DecodeError, EncodeError } from "./errors.js";

/** The kinds of Engine.IO packet. */
export type EnginePacketType =
  /** Server → client handshake: `0{"sid":…}`. */
  | "open"
  /** Either side ends the session. */
  | "close"
  /** Heartbeat from the server; `2probe` from the client while upgrading. */
  | "ping"
  /** Heartbeat answer from the client; `3probe` from the server while upgrading. */
  | "pong"
  /** Application data (a Socket.IO packet, or raw Engine.IO data), text or binary. */
  | "message"
  /** The client switches to the probed transport. */
  | "upgrade"
  /** Does nothing; ends a pending poll during an upgrade. */
  | "noop";

/** One Engine.IO packet. `data` is present only when it is non-empty text or any binary. */
export interface EnginePacket {
  type: EnginePacketType;
  data?: string | Uint8Array;
}

/** Type names by their wire digit. */
const TYPES: readonly EnginePacketType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

/** Wire digit by type name. */
const DIGITS: Readonly<Record<EnginePacketType, string>> = {
  open: "0",
  close: "1",
  ping: "2",
  pong: "3",
  message: "4",
  upgrade: "5",
  noop: "6",
};

/** The wire digit of `type`; messages, by far the most frequent, skip the table lookup. */
function digit(type: EnginePacketType): string {
  return type === "message" ? "4" : DIGITS[type];
}

const CODE_0 = 48;
const CODE_B = 98;

/**
 * The wire form of `packet`. Text data gives `<digit><data>`. Binary data gives the bytes
 * themselves (no type byte) when the transport carries binary (`supportsBinary`), otherwise
 * `"b" + base64`. Binary data is only allowed in a "message" packet.
 */
export function encodePacket(packet: EnginePacket, supportsBinary: boolean): string | Uint8Array {
  const data = packet.data;
  if (typeof data === "string") return digit(packet.type) + data;
  if (supportsBinary && data !== undefined && packet.type === "message") return data;
  return encodeTextPacket(packet);
}

/** The text form of `packet`, for transports that carry only text: binary as "b" + base64. */
export function encodeTextPacket(packet: EnginePacket): string {
  const data = packet.data;
  if (typeof data === "string") return digit(packet.type) + data;
  if (data === undefined) return digit(packet.type);
  if (packet.type !== "message") throw new EncodeError("binary not a message", `got a "${packet.type}" packet`);
  return encodeBase64(data, "b");
}

/**
 * The packet that `data` holds. Bytes are a binary message (not copied); a string is either
 * `"b" + base64` (a binary message) or a type digit 0-6 followed by the data. Anything else
 * throws DecodeError.
 */
export function decodePacket(data: string | Uint8Array): EnginePacket {
  if (typeof data !== "string") return { type: "message", data };
  return decodeTextPacket(data, 0, data.length);
}

/**
 * The packet that `text` holds from `start` up to `end`, for payloads to decode their parts
 * without cutting the whole part out first (only the data is sliced, once).
 */
export function decodeTextPacket(text: string, start: number, end: number): EnginePacket {
  const first = text.charCodeAt(start);
  if (start < end) {
    const type = TYPES[first - CODE_0];
    if (type !== undefined) return end - start > 1 ? { type, data: text.slice(start + 1, end) } : { type };
    if (first === CODE_B) return { type: "message", data: decodeBase64(text, start + 1, end) };
  }
  throw new DecodeError(
    "invalid engine packet",
    start >= end ? "empty packet" : `unknown type ${JSON.stringify(text.charAt(start))}`,
  );
}
