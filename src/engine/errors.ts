// Engine.IO's request errors: the codes 0-5 of the reference server, each with the message a
// client sees in the JSON body and the HTTP status it is answered with. One table, so the
// wire consequence of every error is written exactly once.

import type { EngineResponse } from "./contract.js";

/** Every Engine.IO request error by its wire code. */
export const ENGINE_ERRORS = {
  /** The `transport` query parameter is missing or not one of the enabled transports. */
  0: { name: "UNKNOWN_TRANSPORT", message: "Transport unknown", status: 400 },
  /** The `sid` names no live session. */
  1: { name: "UNKNOWN_SID", message: "Session ID unknown", status: 400 },
  /** A handshake (no `sid`) that is not a GET. */
  2: { name: "BAD_HANDSHAKE_METHOD", message: "Bad handshake method", status: 400 },
  /** Anything else wrong: transport or protocol mismatch, an upgrade that is not allowed, … */
  3: { name: "BAD_REQUEST", message: "Bad request", status: 400 },
  /** `allowRequest` refused the handshake. */
  4: { name: "FORBIDDEN", message: "Forbidden", status: 403 },
  /** `EIO` is missing or not "4". */
  5: { name: "UNSUPPORTED_PROTOCOL_VERSION", message: "Unsupported protocol version", status: 400 },
} as const;

export type EngineErrorCode = keyof typeof ENGINE_ERRORS;

/**
 * The answer to a refused request: `{"code":N,"message":"…"}` as JSON, with `headers` (the
 * CORS headers) added. `message` replaces the table's text, as the reference does when
 * `allowRequest` gives a reason.
 */
export function errorResponse(
  code: EngineErrorCode,
  headers: Readonly<Record<string, string>> | undefined,
  message?: string,
): EngineResponse {
  const entry = ENGINE_ERRORS[code];
  return {
    status: entry.status,
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ code, message: message ?? entry.message }),
  };
}
