// The Engine.IO layer's public shapes: its options, its close reasons, and the socket it
// hands to whoever sits on top (the Socket.IO server, or a user of raw Engine.IO).

import type { Clock, WirePacket } from "./contract.js";

export type TransportName = "polling" | "websocket";

/** The transport of a session, as socket.io shows it: `socket.conn.transport.name`. */
export interface Transport {
  readonly name: TransportName;
}

/** One shared, frozen object per transport: a session points at one, it owns none. */
export const TRANSPORTS: { readonly [K in TransportName]: Transport & { readonly name: K } } = {
  polling: Object.freeze({ name: "polling" }),
  websocket: Object.freeze({ name: "websocket" }),
};

/** Why an Engine.IO session ended. */
export type EngineCloseReason =
  /** The client closed the transport (a WebSocket close, or its close packet `1`), or the connection dropped cleanly. */
  | "transport close"
  /** The transport failed: an aborted request, a broken WebSocket, a bad request mid-session. */
  | "transport error"
  /** No pong within `pingTimeout` after a ping. */
  | "ping timeout"
  /** The client sent something that does not decode. */
  | "parse error"
  /** The server closed the session (`socket.close()`). */
  | "forced close"
  /** The whole engine is closing. */
  | "server shutting down"
  /** More than `maxBufferedBytes` waited for a client that does not read. */
  | "write buffer full";

/** CORS settings, as the `cors` package that socket.io uses names them. */
export interface CorsOptions {
  /** `true` reflects the request's Origin; `"*"`; one origin; a list; or a decision function. */
  origin?:
    | boolean
    | string
    | RegExp
    | ReadonlyArray<string | RegExp>
    | ((origin: string | undefined) => boolean | string | Promise<boolean | string>);
  methods?: string | readonly string[];
  allowedHeaders?: string | readonly string[];
  exposedHeaders?: string | readonly string[];
  credentials?: boolean;
  maxAge?: number;
}

/** What a handshake request carried, kept on the session (no runtime objects). */
export interface HandshakeRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  readonly secure: boolean;
}

export interface EngineOptions {
  /** ms between server pings. Default 25000. */
  pingInterval?: number;
  /** ms to wait for the pong. Default 20000. */
  pingTimeout?: number;
  /** ms for a polling→websocket upgrade to complete. Default 10000. */
  upgradeTimeout?: number;
  /** Largest message or POST body in bytes, also announced as `maxPayload`. Default 1e6. */
  maxHttpBufferSize?: number;
  /** Bytes the core may hold for a client that is not reading before it closes the session. Default 1e7 (10 MB). */
  maxBufferedBytes?: number;
  /** Engine.IO path prefix. Default "/engine.io/" (the Socket.IO server passes "/socket.io/"). */
  path?: string;
  /** Allowed transports, in the order a client should try them. Default ["polling", "websocket"]. */
  transports?: readonly TransportName[];
  /** Allow polling→websocket upgrades. Default true. */
  allowUpgrades?: boolean;
  cors?: CorsOptions;
  /**
   * Decides whether a handshake may proceed. Return or resolve `true`, or `false` / a
   * string (refused with code 4 "Forbidden", 403).
   */
  allowRequest?: (req: HandshakeRequest) => boolean | string | Promise<boolean | string>;
  /** Session id source. Default: 15 random bytes from `crypto.getRandomValues`, base64url (20 chars). */
  generateId?: () => string;
  /**
   * Receives every exception thrown (or promise rejected) by application code the engine
   * calls: `allowRequest`, the CORS origin function, `generateId`, and the listeners of the
   * engine and of its sockets. The request or session goes on as if the callback had refused
   * (a throwing `allowRequest` refuses with 403). Default: console.error. The Socket.IO
   * `Server` passes its `onUserError` here (with no socket).
   */
  onError?: (error: unknown) => void;
  /** Time. Default: a stopped clock until a runtime shim attaches a real one. */
  clock?: Clock;
}

export type EngineSocketState = "opening" | "open" | "closing" | "closed";

export interface SendOptions {
  /** Drop the packet instead of buffering it when the transport cannot take it right now. */
  volatile?: boolean;
  /** Hint only (per-message compression is not implemented). */
  compress?: boolean;
}

/**
 * The one direct listener of an Engine.IO socket, set with `EngineSocket.setHandler`: the
 * layer above (the Socket.IO server's per-connection Client). Plain methods on one object
 * rather than listener closures in a map, since every connection has one for its whole life.
 * It hears `message` and `close` before the socket's `on()` listeners do.
 */
export interface EngineSocketHandler {
  /** One Engine.IO message from the client. */
  onMessage(data: string | Uint8Array): void;
  /**
   * Optional, instead of `onMessage` for a text message: the whole Engine.IO packet and where
   * its data starts (after the type digit), so that the data need not be cut out first.
   */
  onTextMessage?(packet: string, start: number): void;
  /** The session ended; called exactly once. */
  onClose(reason: EngineCloseReason, description?: string): void;
}

/** Events of an Engine.IO socket. */
export interface EngineSocketEvents {
  /** One Engine.IO message from the client. */
  message: (data: string | Uint8Array) => void;
  /** The session ended; fired exactly once. */
  close: (reason: EngineCloseReason, description?: string) => void;
  /**
   * The write buffer is empty and the transport took all of it: after each flush into a GET
   * response or into a websocket that did not report backpressure, when a backpressured
   * websocket has room again, and when a server close hands the buffer over with its goodbye
   * (then just before "close"). Not after a flush into a backpressured websocket (its "drain"
   * comes with `drained()`), nor for the engine's own packets sent outside the buffer.
   */
  drain: () => void;
  /** The session moved from polling to websocket. */
  upgrade: (transport: Transport) => void;
  /** A heartbeat round trip completed (a pong arrived). */
  heartbeat: () => void;
}
