// The `WebSocketConnection` a shim gets back for each accepted WebSocket. It only forwards
// the shim's reports to the session together with the peer they concern: the session decides
// whether that peer is its transport, its upgrade probe, or a stale socket to ignore. Two
// fields and methods on the prototype, so an idle connection costs a few bytes.

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
 * Whether a close code means the peer left in an orderly way ("transport close") rather than
 * the connection failing ("transport error"): 1000 normal, 1001 going away, 1005 no status
 * (a bare close frame), and the application range 3000-4999.
 */
export function isCleanClose(code: number): boolean {
  return code === 1000 || code === 1001 || code === 1005 || (code >= 3000 && code <= 4999);
}
