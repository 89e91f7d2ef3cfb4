// The slice of the Engine.IO layer that the Socket.IO layer uses, declared structurally so
// that src/io depends on a shape, not on the engine's classes: the real EngineServer and
// EngineSocket fit it, and so does a test's fake.

import type { WirePacket } from "../engine/contract.js";
import type { Timers } from "../engine/timers.js";
import type {
  EngineSocketEvents,
  EngineSocketHandler,
  EngineSocketState,
  HandshakeRequest,
  SendOptions,
  Transport,
} from "../engine/types.js";

/** One Engine.IO connection, as the Socket.IO layer sees it (`socket.conn`). */
export interface EngineConnection {
  /** The Engine.IO session id (secret-ish: never reused as a Socket.IO socket id). */
  readonly id: string;
  /** Engine.IO protocol revision the client speaks (4). */
  readonly protocol: number;
  /** What the handshake request carried. */
  readonly request: HandshakeRequest;
  readonly readyState: EngineSocketState;
  /** The transport that carries the session now: `.name` is "polling" until an upgrade, then "websocket". */
  readonly transport: Transport;
  /** Whether a packet sent now would go out at once (volatile packets are dropped otherwise). */
  readonly writable: boolean;
  /** Sends one Engine.IO message (text, or binary bytes). */
  send(data: string | Uint8Array, options?: SendOptions): void;
  /** Sends a message prepared once by `EngineServer.prepare` (broadcasts). */
  sendPacket(packet: WirePacket, options?: SendOptions): void;
  /** Closes the session; a `close` event with reason "forced close" follows. */
  close(): void;
  /**
   * Makes `handler` the connection's direct listener (messages and the close): how the
   * Socket.IO layer's Client listens, one object per connection instead of listener closures.
   */
  setHandler(handler: EngineSocketHandler): void;
  /** Applications may watch `message`, `close`, `upgrade`, `drain`, `heartbeat`. */
  on<K extends keyof EngineSocketEvents>(event: K, listener: EngineSocketEvents[K]): unknown;
}

/** The engine, as the Socket.IO server uses it. */
export interface EnginePort {
  /** The shared deadline heap: ack timeouts and the connect timeout live there. */
  readonly timers: Timers;
  /** Encodes one message packet once, for handing the same object to many sockets. */
  prepare(data: string | Uint8Array): WirePacket;
}
