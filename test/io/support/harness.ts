// A Socket.IO server on a manual clock, fed by fake Engine.IO connections: the tests speak
// the Socket.IO wire (`40`, `42["x"]`, …) into a connection and read back exactly what the
// server handed to the engine, as Engine.IO messages (`40{"sid":"id1"}`). No sockets, no
// sleeping; socket ids are "id1", "id2", … in creation order.

import type { WirePacket } from "../../../src/engine/contract.js";
import type {
  EngineCloseReason,
  EngineSocketEvents,
  EngineSocketHandler,
  EngineSocketState,
  HandshakeRequest,
  SendOptions,
  Transport,
} from "../../../src/engine/types.js";
import { TRANSPORTS } from "../../../src/engine/types.js";
import { Listeners } from "../../../src/util/listeners.js";
import type { EngineConnection } from "../../../src/io/engine-port.js";
import { Server } from "../../../src/io/server.js";
import type { ServerOptions } from "../../../src/io/server.js";
import type { Socket } from "../../../src/io/socket.js";
import type { DefaultEventsMap, EventsMap } from "../../../src/io/typed-events.js";
import { ManualClock } from "../../support/manual-clock.js";


/** An Engine.IO connection that records what the Socket.IO layer sends through it. */
export class FakeConn implements EngineConnection {
  readonly protocol = 4;
  readyState: EngineSocketState = "open";
  transport: Transport = TRANSPORTS.websocket;
  /** What `writable` answers (volatile packets are dropped when false). */
  writable = true;
  /** Every message sent, as Engine.IO messages: text as "4…", binary as bytes. */
  out: Array<string | Uint8Array> = [];
  /** The WirePacket objects handed to `sendPacket` (broadcasts), in order. */
  packets: WirePacket[] = [];
  /** The options of each send, in order. */
  options: Array<SendOptions | undefined> = [];
  closeCalls = 0;
  private readonly events = new Listeners<EngineSocketEvents>();
  private handler: EngineSocketHandler | undefined;

  constructor(
    readonly id: string,
    readonly request: HandshakeRequest,
  ) {}

  send(data: string | Uint8Array, options?: SendOptions): void {
    if (this.readyState !== "open") return;
    if (options?.volatile === true && !this.writable) return;
    this.out.push(typeof data === "string" ? `4${data}` : data);
    this.options.push(options);
  }

  sendPacket(packet: WirePacket, options?: SendOptions): void {
    if (this.readyState !== "open") return;
    if (options?.volatile === true && !this.writable) return;
    this.packets.push(packet);
    this.out.push(packet.data);
    this.options.push(options);
  }

  close(): void {
    if (this.readyState === "closed") return;
    this.closeCalls++;
    this.readyState = "closed";
    this.emitClose("forced close");
  }

  on<K extends keyof EngineSocketEvents>(event: K, listener: EngineSocketEvents[K]): this {
    this.events.on(event, listener);
    return this;
  }

  /** The Client's direct link: heard before the `on()` listeners, as the real EngineSocket does. */
  setHandler(handler: EngineSocketHandler): void {
    if (this.handler !== undefined) throw new Error("already has a handler");
    this.handler = handler;
  }

  private emitMessage(data: string | Uint8Array): void {
    this.handler?.onMessage(data);
    this.events.emit("message", data);
  }

  private emitClose(reason: EngineCloseReason, description?: string): void {
    const handler = this.handler;
    this.handler = undefined;
    if (description === undefined) {
      handler?.onClose(reason);
      this.events.emit("close", reason);
    } else {
      handler?.onClose(reason, description);
      this.events.emit("close", reason, description);
    }
  }

  /**
   * The client sends these Engine.IO messages, written as on the wire: text as "4" + the
   * Socket.IO packet (`40`, `42["x"]`), binary attachments as bytes.
   */
  receive(...messages: Array<string | Uint8Array>): void {
    for (const message of messages) {
      if (typeof message === "string" && !message.startsWith("4")) throw new Error(`not a message packet: ${message}`);
      const data = typeof message === "string" ? message.slice(1) : message;
      this.emitMessage(data);
    }
  }

  /** The engine reports the session gone for `reason`. */
  drop(reason: EngineCloseReason, description?: string): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.emitClose(reason, description);
  }

  /** Returns what was sent since the last call, and forgets it (options and packets too). */
  take(): Array<string | Uint8Array> {
    const out = this.out;
    this.out = [];
    this.options = [];
    this.packets = [];
    return out;
  }
}

export interface RequestInit {
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  remoteAddress?: string;
  secure?: boolean;
}

export function handshakeRequest(init: RequestInit = {}): HandshakeRequest {
  return {
    url: init.url ?? "/socket.io/?EIO=4&transport=websocket",
    headers: init.headers ?? {},
    query: init.query ?? { EIO: "4", transport: "websocket" },
    remoteAddress: init.remoteAddress ?? "127.0.0.1",
    secure: init.secure ?? false,
  };
}

export interface Harness<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> {
  io: Server<L, E, S, D>;
  clock: ManualClock;
  /** Everything reported through `onUserError`. */
  errors: unknown[];
  /** The socket passed with each report (undefined when none). */
  errorSockets: unknown[];
  /** A new fake connection announced to the server (no namespace joined yet). */
  open(init?: RequestInit): FakeConn;
  /** A connection that has joined "/" (or `nsp`); returns the connection and the server-side socket. */
  connect(nsp?: string, auth?: object, init?: RequestInit): { conn: FakeConn; socket: Socket<L, E, S, D> };
}

export function setup<
  L extends EventsMap = DefaultEventsMap,
  E extends EventsMap = DefaultEventsMap,
  S extends EventsMap = DefaultEventsMap,
  D = Record<string, unknown>,
>(options: ServerOptions<L, E, S, D> = {}): Harness<L, E, S, D> {
  const clock = new ManualClock();
  clock.time = 1_700_000_000_000;
  let ids = 0;
  let sids = 0;
  const errors: unknown[] = [];
  const errorSockets: unknown[] = [];
  const io = new Server<L, E, S, D>({
    clock,
    generateId: () => `id${++ids}`,
    onUserError: (error, socket) => {
      errors.push(error);
      errorSockets.push(socket);
    },
    ...options,
  });
  clock.bind(() => io.engine.tick());
  const open = (init?: RequestInit): FakeConn => {
    const conn = new FakeConn(`sid${++sids}`, handshakeRequest(init));
    io._onconnection(conn);
    return conn;
  };
  const connect = (nsp = "/", auth?: object, init?: RequestInit) => {
    const conn = open(init);
    const prefix = nsp === "/" ? "" : `${nsp},`;
    conn.receive(`40${prefix}${auth === undefined ? "" : JSON.stringify(auth)}`);
    const found = [...io.of(nsp).sockets.values()].find((s) => s.conn === conn);
    if (found === undefined) throw new Error(`connection did not join ${nsp}: ${JSON.stringify(conn.out)}`);
    conn.take();
    return { conn, socket: found };
  };
  return { io, clock, errors, errorSockets, open, connect };
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
