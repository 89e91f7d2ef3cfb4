// The load generator's view of one WebSocket: text frames in and out, nothing else.
// Two implementations: `raw-text-socket.ts` (a minimal RFC 6455 client on node:net, with
// or without per-tick write coalescing) and `ws-text-socket.ts` (the `ws` package).
// `--client raw|raw-each|ws` picks one; the load generator prints its own CPU per
// operation so they can be compared.

export interface TextSocketEvents {
  /** One complete text message. */
  text(data: string): void;
  /** The connection is gone, for whatever reason. Called once. */
  closed(): void;
}

export interface TextSocket {
  send(text: string): void;
  /** A clean close: close frame, then the end of our side of the TCP stream. */
  close(): void;
}

export type ClientKind = "raw" | "raw-each" | "ws";

/** Opens a WebSocket to `ws://127.0.0.1:<port><path>`; frames may be sent once the server spoke. */
export type OpenTextSocket = (port: number, path: string, events: TextSocketEvents) => TextSocket;
