// Event names the application may not emit: they mean something to Socket.IO itself
// (connect, connect_error, disconnect, disconnecting) or to an EventEmitter (newListener,
// removeListener). Emitting one is local misuse and throws at once; a client that sends one
// is refused by the decoder (a parse error).

import { RESERVED_EVENTS } from "../codec/index.js";

export { RESERVED_EVENTS };

/** Throws when the application tries to emit a reserved event name. */
export function assertEmittable(event: unknown): void {
  if (typeof event !== "string" && typeof event !== "number") {
    throw new TypeError(`event name must be a string, got ${typeof event}`);
  }
  if (typeof event === "string" && RESERVED_EVENTS.has(event)) {
    throw new Error(`"${event}" is a reserved event name`);
  }
}

/** Names a namespace keeps for itself; `serverSideEmit` may not use them. */
export const NAMESPACE_RESERVED_EVENTS: ReadonlySet<string> = new Set(["connect", "connection", "new_namespace"]);
