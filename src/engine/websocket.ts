// The `WebSocketConnection` a shim gets back for an upgrade probe's WebSocket (a session born
// on a WebSocket is that socket's connection itself: see `EngineSocket.attachWebSocket`). It
// only forwards the shim's reports to the session together with the peer they concern: the
// session decides whether that peer is its transport, its upgrade probe, or a stale socket to
// ignore. Two fields and methods on the prototype.

import type { WebSocketConnection, WebSocketPeer } from "./contract.js";

/** The part of a session a WebSocket link talks to. */
export interface WebSocketSink {
  wsMessage(peer: WebSocketPeer, data: string | Uint8Array): void;
  wsDrained(peer: WebSocketPeer): void;
  wsClosed(peer: WebSocketPeer, code: number): void;
}

export class WebSocketLink implements WebSocketConnection {
  constructor(
    private readonly sink: WebSocketSink,
    private readonly peer: WebSocketPeer,
  ) {}

  message(data: string | Uint8Array): void {
    this.sink.wsMessage(this.peer, data);
  }

  drained(): void {
    this.sink.wsDrained(this.peer);
  }

  closed(code: number, _reason: string): void {
    this.sink.wsClosed(this.peer, code);
  }
}

/** For a WebSocket the core refused after the handshake: it has already been closed. */
export const DETACHED: WebSocketConnection = {
  message() {},
  drained() {},
  closed() {},
};

/**
 * Close codes that say the connection failed a protocol check: 1002 protocol error, 1007
 * invalid payload (bad UTF-8), 1008 policy violation, 1009 message too big, 1011 internal
 * error. A shim reports them when its own decoder refused what the client sent and closed the
 * socket for it.
 */
const FAILURE_CODES: ReadonlySet<number> = new Set([1002, 1007, 1008, 1009, 1011]);

/**
 * Whether a WebSocket that went away ends its session with "transport error" (true) rather
 * than "transport close" — the rule documented on `WebSocketConnection.closed`. The reference
 * server says "transport close" whenever its WebSocket library reports a close (a close frame
 * of any kind, or the connection dropped without one: 1006), and "transport error" when the
 * library's decoder failed; a failure code is how a shim tells the core the latter.
 */
export function isFailureClose(code: number): boolean {
  return FAILURE_CODES.has(code);
}
