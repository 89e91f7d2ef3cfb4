// Engine.IO v4 polling payloads: every packet of one HTTP body, joined by the record
// separator "\x1e". Binary messages travel as "b" + base64 (a body is text). A payload holds
// at least one packet, so an empty body, like an empty part between separators, is invalid:
// the reference server closes the session with "parse error" for both.

import { decodePacket, encodeTextPacket } from "./engine-packet.js";
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
  if (payload.length === 0) throw new DecodeError("invalid payload", "empty payload");
  const packets: EnginePacket[] = [];
  let start = 0;
  for (;;) {
    const end = payload.indexOf(SEPARATOR, start);
    if (end === -1) {
      packets.push(decodePacket(start === 0 ? payload : payload.slice(start)));
      return packets;
    }
    packets.push(decodePacket(payload.slice(start, end)));
    start = end + 1;
  }
}
