// The Durable Object a user extends: `setup(io)` registers the handlers with socket.io's
// ordinary API, and this class answers the object's entry points — `fetch` (polling and the
// WebSocket upgrade), `webSocketMessage`, `webSocketClose`, `webSocketError` and `alarm`.
//
// Nothing is built in the constructor. The first event after a construction — a fresh
// object, or one woken from hibernation — builds the Socket.IO server, runs `setup`, and
// restores every hibernated WebSocket from its attachment, before that event is handled
// (under `blockConcurrencyWhile`, so no other event sees a half-built server). An object woken
// by a message therefore handles that message with every room and `socket.data` in place.

import type { Server as ServerType, ServerOptions } from "../../src/io/server.js";
import { Server } from "../../src/io/server.js";
import { InMemoryAdapter } from "../../src/io/adapter.js";
import type { DefaultEventsMap, EventsMap } from "../../src/io/typed-events.js";
import { notFound } from "../fetch/request.js";
import { alarmClock } from "./alarm-clock.js";
import { HibernatingServer } from "./hibernating-server.js";
import { trackingAdapter } from "./tracking-adapter.js";
import { answerClose, type DurableObjectState, type HibernatableWebSocket } from "./workerd.js";

/** Options of the Cloudflare shim itself, next to the server's. */
export interface CloudflareOptions {
  /**
   * Deadlines (heartbeats, timeouts) are rounded up to a multiple of this many ms before they
   * become the object's alarm, so sockets whose heartbeats fall in the same window are pinged
   * in one wake-up; any deadline fires at most this late. At most `pingTimeout / 2`.
   * Default: `min(1000, pingTimeout / 4)`.
   */
  alarmWindow?: number;
  /**
   * When the alarm fires, sockets whose next ping is due within this many ms are pinged in the
   * same wake-up (a client takes an early ping like any other). Heartbeats that started apart
   * thus fall into step, and an idle object wakes about once per `pingInterval` however many
   * sockets it holds. 0 pings only what is due. Below `pingInterval`. Default: `pingInterval / 2`.
   */
  pingAhead?: number;
  /**
   * Bytes of a connection's durable state kept in its WebSocket attachment; larger parts move
   * to `ctx.storage` (the handshake headers first). Default 2048, the documented limit.
   */
  attachmentBudget?: number;
}

export type DurableServerOptions<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = Record<string, unknown>,
> = ServerOptions<ListenEvents, EmitEvents, ServerSideEvents, SocketData> & CloudflareOptions;

/** Cloudflare closes a WebSocket whose message exceeds 1 MiB: the core's cap defaults to the same. */
const CLOUDFLARE_MAX_MESSAGE = 1 << 20;
const DEFAULT_PING_INTERVAL = 25_000;
const DEFAULT_PING_TIMEOUT = 20_000;
const DEFAULT_ATTACHMENT_BUDGET = 2048;

function resolvePingAhead(ahead: number | undefined, pingInterval: number): number {
  if (ahead === undefined) return pingInterval / 2;
  if (typeof ahead !== "number" || !(ahead >= 0) || ahead >= pingInterval) {
    throw new TypeError("CloudflareOptions.pingAhead must be a number from 0 to below pingInterval");
  }
  return ahead;
}

function resolveWindow(window: number | undefined, pingTimeout: number): number {
  if (window === undefined) return Math.min(1000, pingTimeout / 4);
  if (typeof window !== "number" || !(window >= 0) || window > pingTimeout / 2) {
    throw new TypeError("CloudflareOptions.alarmWindow must be a number between 0 and pingTimeout / 2");
  }
  return window;
}

/**
 * A Durable Object that runs a Socket.IO server over hibernatable WebSockets:
 *
 *     export class Chat extends SocketIODurableObject<Env> {
 *       protected override options() { return { cors: { origin: "*" } }; }
 *       protected setup(io: Server) { io.on("connection", (socket) => { ... }); }
 *     }
 *
 * After a hibernation, the "connection" handlers run again for every restored socket, with
 * `socket.recovered === true` (middlewares do not): re-attach listeners there, and skip
 * what must happen only once (a welcome message, a join announcement).
 */
export abstract class SocketIODurableObject<
  Env = unknown,
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = Record<string, unknown>,
> {
  readonly ctx: DurableObjectState;
  readonly env: Env;
  #server: HibernatingServer | undefined;
  #io: ServerType<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined;
  #waking: Promise<HibernatingServer> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }

  /** The options of this object's Socket.IO server. Override to configure it. */
  protected options(): DurableServerOptions<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    return {};
  }

  /** Registers the handlers: called once per construction of the object, before any event. */
  protected abstract setup(io: ServerType<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void | Promise<void>;

  /**
   * The Socket.IO server, built (and every hibernated socket restored) if the object has not
   * handled an event since it was constructed: for sending from an RPC method or any other
   * entry point, e.g. `(await this.server()).to("room").emit("news", item)`.
   */
  async server(): Promise<ServerType<ListenEvents, EmitEvents, ServerSideEvents, SocketData>> {
    if (this.#server === undefined) await this.#wake();
    const io = this.#io;
    if (io === undefined) throw new Error("unio: the Socket.IO server was dropped while waking up");
    return io;
  }

  /** Socket.IO requests (polling, upgrades); 404 for any other path. Override to add routes. */
  async fetch(request: Request): Promise<Response> {
    const server = this.#server ?? (await this.#wake());
    return (await server.fetch(request)) ?? notFound();
  }

  async webSocketMessage(ws: HibernatableWebSocket, message: string | ArrayBuffer): Promise<void> {
    (this.#server ?? (await this.#wake())).message(ws, message);
  }

  async webSocketClose(ws: HibernatableWebSocket, code: number, reason: string, _wasClean: boolean): Promise<void> {
    answerClose(ws, code);
    (this.#server ?? (await this.#wake())).closed(ws, code, reason);
  }

  async webSocketError(ws: HibernatableWebSocket, error: unknown): Promise<void> {
    (this.#server ?? (await this.#wake())).closed(ws, 1006, error instanceof Error ? error.message : String(error));
  }

  async alarm(): Promise<void> {
    (this.#server ?? (await this.#wake())).alarm();
  }

  /**
   * Forgets every piece of in-memory state, as a hibernation does, without closing anything:
   * the next event rebuilds the server from the WebSockets' attachments exactly as a freshly
   * constructed object would. For tests of hibernation.
   */
  simulateHibernation(): void {
    this.#server?.dispose();
    this.#server = undefined;
    this.#io = undefined;
    this.#waking = undefined;
  }

  #wake(): Promise<HibernatingServer> {
    if (this.#waking !== undefined) return this.#waking;
    const waking = this.ctx.blockConcurrencyWhile(() => this.#build()).then(
      (built) => {
        if (this.#waking !== waking) {
          built.server.dispose(); // forgotten (simulateHibernation) while it was being built
          throw new Error("unio: the Socket.IO server was dropped while waking up");
        }
        this.#server = built.server;
        this.#io = built.io;
        return built.server;
      },
      (error: unknown) => {
        if (this.#waking === waking) this.#waking = undefined; // let the next event try again
        throw error;
      },
    );
    this.#waking = waking;
    return waking;
  }

  async #build(): Promise<{ server: HibernatingServer; io: ServerType<ListenEvents, EmitEvents, ServerSideEvents, SocketData> }> {
    const { alarmWindow, pingAhead, attachmentBudget, ...serverOptions } = this.options();
    const window = resolveWindow(alarmWindow, serverOptions.pingTimeout ?? DEFAULT_PING_TIMEOUT);
    const ahead = resolvePingAhead(pingAhead, serverOptions.pingInterval ?? DEFAULT_PING_INTERVAL);
    const clock = alarmClock(this.ctx.storage, window);
    let server: HibernatingServer | undefined;
    const io = new Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>({
      maxHttpBufferSize: CLOUDFLARE_MAX_MESSAGE,
      ...serverOptions,
      clock,
      adapter: trackingAdapter(serverOptions.adapter ?? InMemoryAdapter, (client) => server?.roomsChanged(client)),
    });
    server = new HibernatingServer(this.ctx, io, clock, {
      attachmentBudget: attachmentBudget ?? DEFAULT_ATTACHMENT_BUDGET,
      pingAhead: ahead,
    });
    await this.setup(io);
    await server.restore();
    return { server, io };
  }
}
