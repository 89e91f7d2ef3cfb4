// The opening handshake on Node: the shared, pure check (runtimes/shared/websocket) plus the
// `Sec-WebSocket-Accept` value from Node's synchronous SHA-1.

import { createHash } from "node:crypto";
import { WEBSOCKET_GUID, validateHandshake } from "../shared/websocket/index.js";
import type { RequestHeaders } from "../shared/websocket/index.js";

export { switchingProtocols } from "../shared/websocket/index.js";

export type NodeHandshakeCheck =
  /** A valid upgrade: answer with `switchingProtocols(accept)`. */
  | { readonly kind: "valid"; readonly accept: string }
  | Extract<ReturnType<typeof validateHandshake>, { kind: "invalid" }>;

/** Checks an upgrade request's method and headers; computes the accept value when valid. */
export function checkHandshake(method: string, headers: RequestHeaders): NodeHandshakeCheck {
  const check = validateHandshake(method, headers);
  return check.kind === "valid" ? { kind: "valid", accept: acceptKey(check.key) } : check;
}

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)). */
export function acceptKey(key: string): string {
  return createHash("sha1").update(key + WEBSOCKET_GUID).digest("base64");
}
