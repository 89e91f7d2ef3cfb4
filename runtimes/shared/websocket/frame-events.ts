// What the frame decoder reports: complete messages, control frames, and protocol errors
// that carry the close code to answer with. Also the close frame's payload rules.

import { CloseCode, isValidCloseCode } from "./protocol.js";

/** Why a frame was refused; stable strings for logs and tests. */
export type FrameErrorReason =
  | "frame not masked"
  | "reserved bits set"
  | "reserved opcode"
  | "fragmented control frame"
  | "control frame too long"
  | "invalid close payload"
  | "invalid close code"
  | "continuation without a message"
  | "message interrupted"
  | "invalid length"
  | "message too big"
  | "too many fragments"
  | "invalid UTF-8";

export type FrameEvent =
  /** One complete message: text as a string, binary as bytes (possibly a view of the pushed chunk). */
  | { readonly kind: "message"; readonly data: string | Uint8Array }
  /** A ping; answer with a pong carrying `data`. */
  | { readonly kind: "ping"; readonly data: Uint8Array }
  /** A pong. */
  | { readonly kind: "pong"; readonly data: Uint8Array }
  /** The peer's close frame: `code` 1005 when it carried none. The decoder is finished. */
  | { readonly kind: "close"; readonly code: number; readonly reason: string }
  /** The peer broke the protocol: close the connection with `code`. The decoder is finished. */
  | FrameError;

export interface FrameError {
  readonly kind: "error";
  /** The close code to send back. */
  readonly code: 1002 | 1007 | 1008 | 1009;
  readonly reason: FrameErrorReason;
}

/** `ignoreBOM`: a leading U+FEFF is message content, not a byte-order mark to strip. */
export const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function fail(code: FrameError["code"], reason: FrameErrorReason): FrameError {
  return { kind: "error", code, reason };
}

/** A close frame's payload: empty (1005), or a valid code and a UTF-8 reason. */
export function closeEvent(payload: Uint8Array): FrameEvent {
  if (payload.length === 0) return { kind: "close", code: CloseCode.noStatus, reason: "" };
  const code = ((payload[0] ?? 0) << 8) | (payload[1] ?? 0);
  if (!isValidCloseCode(code)) return fail(CloseCode.protocolError, "invalid close code");
  try {
    return { kind: "close", code, reason: strictUtf8.decode(payload.subarray(2)) };
  } catch {
    return fail(CloseCode.invalidPayload, "invalid UTF-8");
  }
}
