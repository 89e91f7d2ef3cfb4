// The contract between the pure core and a runtime shim.
//
// A shim owns every piece of I/O: it turns an HTTP request into an `EngineRequest`,
// writes the `EngineResponse` the core answers with, performs the runtime's WebSocket
// handshake once the core has accepted an upgrade, and keeps exactly one timer that
// calls `tick()` at the deadline the core last asked for. The core owns every decision.

/** An HTTP request as the core sees it. Header names are lower-case. */
export interface EngineRequest {
  /** Upper-case method: "GET", "POST", "OPTIONS", … */
  readonly method: string;
  /** Path and query as on the request line, e.g. `/socket.io/?EIO=4&transport=polling`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly remoteAddress: string;
  /** True when the request came over TLS. */
  readonly secure: boolean;
  /**
   * Reads the whole body, refusing to buffer more than `limit` bytes: resolves
   * `undefined` as soon as the body is known to exceed `limit` (the core answers 413).
   * `kind` says whether the core wants UTF-8 text or raw bytes.
   */
  readBody(limit: number, kind: "text" | "bytes"): Promise<string | Uint8Array | undefined>;
}

/** An HTTP response for the shim to write. */
export interface EngineResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/**
 * One Engine.IO packet ready for a WebSocket (text `"4…"`, or the raw bytes of a binary
 * message). A broadcast hands the same object to every recipient, so a shim may cache its
 * transport framing of `data` in `frame` and frame a broadcast once.
 */
export interface WirePacket {
  readonly data: string | Uint8Array;
  /** Free for the shim: e.g. the encoded WebSocket frame bytes of `data`. */
  frame?: unknown;
}

/** What a shim gives the core for one open WebSocket. */
export interface WebSocketPeer {
  /**
   * Sends each packet as one WebSocket message, in order (a shim may coalesce them into one
   * write). Returns false when the runtime's send buffer is full: the core then holds further
   * packets until the shim calls `drained()`.
   */
  send(packets: readonly WirePacket[]): boolean;
  /** Closes the WebSocket with a status code (1000 normal, 1002, 1007, 1009, 1011, …). */
  close(code: number, reason: string): void;
  /**
   * True when the runtime itself writes out together what is sent to this socket while one of
   * its messages is handled (it corks the socket around its message callback). The core then
   * hands over what a message made it queue as soon as the message is handled, instead of
   * waiting for the end of the microtask round to gather packets into one batch.
   */
  readonly writesTogether?: boolean;
}

/** What the core gives back for that WebSocket: the shim reports its events here. */
export interface WebSocketConnection {
  /** One complete WebSocket message (text as string, binary as bytes). */
  message(data: string | Uint8Array): void;
  /** The runtime's send buffer has room again after `send` returned false. */
  drained(): void;
  /**
   * The WebSocket is gone (closed by the peer, by the network, or by us). Idempotent.
   *
   * `code` decides the session's close reason, as the reference server's would be:
   * - "transport error" for 1002, 1007, 1008, 1009 and 1011 — the codes a shim closes with
   *   when its own decoder refused what the client sent (bad framing, invalid UTF-8, too many
   *   fragments, a message over the limit, an internal failure). A shim reports such a close
   *   with the code it sent.
   * - "transport close" for every other code: a close frame from the client (1000, 1001, a
   *   bare one as 1005, 3000–4999), and a connection that dropped without one (1006).
   * A close frame that the client itself sent with one of the failure codes cannot be told
   * from the shim's own, and counts as "transport error" too: the client saw a failure.
   */
  closed(code: number, reason: string): void;
}

/** The core's verdict on a WebSocket upgrade request, given before any 101 is written. */
export type UpgradeVerdict =
  /** Refused: write this response (400/403) and close the connection. */
  | { readonly kind: "reject"; readonly response: EngineResponse }
  /**
   * Accepted: perform the runtime's handshake, then call `open` with the peer. `open` may
   * still close the peer at once if the session changed meanwhile.
   */
  | { readonly kind: "accept"; open(peer: WebSocketPeer): WebSocketConnection };

/**
 * Time, handed to the core by the shim. The core never reads a clock or sets a timer
 * itself: it asks for one wake-up at a time and the shim calls `tick()` then.
 */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale (wall-clock epoch ms from the shim, or a test's counter). */
  now(): number;
  /**
   * The core's earliest deadline changed: call `tick()` at `at` (same scale as `now()`),
   * replacing any wake-up asked for before. `undefined`: nothing pending, cancel it.
   */
  schedule(at: number | undefined): void;
}
