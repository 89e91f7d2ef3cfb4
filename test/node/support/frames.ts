// Test helpers for WebSocket frames: hex literals, an independent client-side frame
// builder (for payloads too long to write out), and ways to feed a decoder in pieces.

import { FrameDecoder } from "../../../runtimes/shared/websocket/index.js";
import type { FrameDecoderOptions, FrameEvent } from "../../../runtimes/shared/websocket/index.js";

/** A fresh array from `"81 85 37 fa"`-style hex (spaces ignored). */
export function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A masked client frame written the plain way (byte loop, big-endian lengths), kept
 * independent of the code under test.
 */
export function clientFrame(firstByte: number, payload: Uint8Array, mask = hex("37 fa 21 3d")): Uint8Array {
  const n = payload.length;
  const head: number[] = [firstByte];
  if (n < 126) head.push(0x80 | n);
  else if (n < 65536) head.push(0xfe, n >> 8, n & 255);
  else head.push(0xff, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  const body = new Uint8Array(n);
  for (let i = 0; i < n; i++) body[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return concatBytes(Uint8Array.from(head), mask, body);
}

/** Events made comparable: bytes as hex strings. */
export type PlainEvent =
  | { kind: "message"; text: string }
  | { kind: "message"; bytes: string }
  | { kind: "ping" | "pong"; bytes: string }
  | { kind: "close"; code: number; reason: string }
  | { kind: "error"; code: number; reason: string };

export function plain(event: FrameEvent): PlainEvent {
  switch (event.kind) {
    case "message":
      return typeof event.data === "string" ? { kind: "message", text: event.data } : { kind: "message", bytes: toHex(event.data) };
    case "ping":
    case "pong":
      return { kind: event.kind, bytes: toHex(event.data) };
    case "close":
      return { kind: "close", code: event.code, reason: event.reason };
    case "error":
      return { kind: "error", code: event.code, reason: event.reason };
  }
}

/** Pushes `chunks` (each copied first: the decoder unmasks in place) and collects the events. */
export function decodeChunks(chunks: readonly Uint8Array[], options: FrameDecoderOptions = { maxPayload: 1 << 20 }): PlainEvent[] {
  const decoder = new FrameDecoder(options);
  const events: PlainEvent[] = [];
  for (const chunk of chunks) for (const e of decoder.push(chunk.slice())) events.push(plain(e));
  return events;
}

/** Every way worth trying to cut `bytes`: whole, byte by byte, and in two at every position. */
export function splits(bytes: Uint8Array): Array<{ name: string; chunks: Uint8Array[] }> {
  const out = [
    { name: "whole", chunks: [bytes] },
    { name: "byte by byte", chunks: Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)) },
  ];
  for (let i = 1; i < bytes.length; i++) out.push({ name: `split at ${i}`, chunks: [bytes.subarray(0, i), bytes.subarray(i)] });
  return out;
}
