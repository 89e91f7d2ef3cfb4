// Engine.IO v4 polling payloads: every packet of one HTTP body, joined by the record
// separator "\x1e". Binary messages travel as "b" + base64 (a body is text). A payload holds
// at least one packet, so an empty body, like an empty part between separators, is invalid:
// the reference server closes the session with "parse error" for both.

import { decodeTextPacket, encodeTextPacket } from "./engine-packet.js";
import type { EnginePacket } from "./engine-packet.js";
import { DecodeError } from "./errors.js";

/** The record separator between the packets of a payload. */
export const SEPARATOR = "\x1e";

/** One polling body holding `packets` in order; binary data as "b" + base64. */
export function encodePayload(packets: readonly EnginePacket[]): string {
  let body = "";
  for (let i = 0; i < packets.length; i++) {
    if (i > 0) body += SEPARATOR;
    body += encodeTextPacket(packets[i]!);
  }
  return body;
}

/** The packets of a polling body. Throws DecodeError at the first malformed packet. */
export function decodePayload(payload: string): EnginePacket[] {
  const length = payload.length;
  if (length === 0) throw new DecodeError("invalid payload", "empty payload");
  const packets: EnginePacket[] = [];
  let start = 0;
  for (;;) {
    let end = payload.indexOf(SEPARATOR, start);
    if (end === -1) end = length;
    packets.push(decodeTextPacket(payload, start, end));
    if (end === length) return packets;
    start = end + 1;
  }
}
