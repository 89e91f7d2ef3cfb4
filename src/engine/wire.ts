// The engine's outgoing packets in their WebSocket form (`WirePacket`), and the polling
// payload built from them. A packet is encoded once, when it is queued: a text packet is its
// type digit plus data ("4hello"), a binary message is its raw bytes. WebSocket hands these to
// the peer as they are; polling joins them with "\x1e", binary as "b" + base64.

import { SEPARATOR, encodeBase64 } from "../codec/index.js";
import type { EngineResponse, WirePacket } from "./contract.js";

// The control packets every session sends, shared by all of them (a shim may cache their
// frame on the object, exactly as for a broadcast).
export const PING: ControlPacket = { data: "2" };
export const CLOSE: ControlPacket = { data: "1" };
export const NOOP: ControlPacket = { data: "6" };
export const PONG_PROBE: ControlPacket = { data: "3probe" };

/** A packet of the engine's own: always text. */
export interface ControlPacket extends WirePacket {
  readonly data: string;
}

/** A message packet, encoded once (for `send`, and for broadcasts via `EngineServer.prepare`). */
export function messagePacket(data: string | Uint8Array): WirePacket {
  return { data: typeof data === "string" ? `4${data}` : data };
}

/** The memory a queued packet holds, for the write-buffer cap (UTF-16 units for text). */
export function packetSize(packet: WirePacket): number {
  const data = packet.data;
  return typeof data === "string" ? data.length : data.byteLength;
}

/** `0{…}`: the handshake, with exactly the reference's five keys in its order. */
export function openPacket(
  sid: string,
  upgrades: readonly string[],
  pingInterval: number,
  pingTimeout: number,
  maxPayload: number,
): WirePacket {
  return { data: `0${JSON.stringify({ sid, upgrades, pingInterval, pingTimeout, maxPayload })}` };
}

/** One polling body holding `packets` (and then `last`, if given) in order. */
export function encodePollingPayload(packets: readonly WirePacket[] | undefined, last?: ControlPacket): string {
  let body = "";
  let first = true;
  if (packets !== undefined) {
    for (const packet of packets) {
      if (!first) body += SEPARATOR;
      first = false;
      const data = packet.data;
      body += typeof data === "string" ? data : encodeBase64(data, "b");
    }
  }
  if (last !== undefined) {
    if (!first) body += SEPARATOR;
    body += last.data;
  }
  return body;
}

/** Headers for every polling response, as the reference's polling transport writes them. */
export function pollingHeaders(
  cors: Readonly<Record<string, string>> | undefined,
  userAgent: string | undefined,
  contentType: string,
): Record<string, string> {
  const headers: Record<string, string> = { ...cors, "Content-Type": contentType };
  // The reference disables IE's XSS filter, which mangled long-polling responses.
  if (userAgent !== undefined && (userAgent.includes(";MSIE") || userAgent.includes("Trident/"))) {
    headers["X-XSS-Protection"] = "0";
  }
  headers["cache-control"] = "no-store";
  return headers;
}

/** A GET's answer: a polling payload. */
export function payloadResponse(body: string, headers: Record<string, string>): EngineResponse {
  return { status: 200, headers, body };
}

/** A transport-level refusal (overlapping requests, oversized body, …): a status and no body. */
export function emptyResponse(status: number, cors: Readonly<Record<string, string>> | undefined): EngineResponse {
  return { status, headers: { ...cors }, body: "" };
}
