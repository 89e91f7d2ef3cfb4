// Why a server-side Socket left its namespace: socket.io's closed union of reason strings,
// plus the Engine.IO layer's own "write buffer full". These are what `disconnecting` and
// `disconnect` listeners receive on the SERVER. (The client sees its own strings: the
// server's `socket.disconnect()` arrives there as "io server disconnect", and a client's
// own `socket.disconnect()` as "io client disconnect".)

export type DisconnectReason =
  /** The client closed the transport, or the connection dropped cleanly. */
  | "transport close"
  /** The transport failed (an aborted request, a broken WebSocket). */
  | "transport error"
  /** The client did not answer a heartbeat within `pingTimeout`. */
  | "ping timeout"
  /** The client sent something that does not decode, or broke the protocol's order. */
  | "parse error"
  /** The Engine.IO session was closed by the server or by the client's close packet. */
  | "forced close"
  /** The whole connection was closed from here: `socket.disconnect(true)` elsewhere, the connect timeout. */
  | "forced server close"
  /** `io.close()`, or the engine shutting down. */
  | "server shutting down"
  /** The client left this namespace (`socket.disconnect()` on the client). */
  | "client namespace disconnect"
  /** The server removed the socket from this namespace (`socket.disconnect()`). */
  | "server namespace disconnect"
  /** The client stopped reading and too much data waited for it. */
  | "write buffer full";

/** Every reason, for exhaustive tests and runtime checks. */
export const DISCONNECT_REASONS: readonly DisconnectReason[] = [
  "transport close",
  "transport error",
  "ping timeout",
  "parse error",
  "forced close",
  "forced server close",
  "server shutting down",
  "client namespace disconnect",
  "server namespace disconnect",
  "write buffer full",
];

