// A namespace: a set of sockets with their own middlewares, connection handlers, rooms
// (its adapter) and broadcasts. "/" is the server's main namespace (`io.sockets`).
//
// Joining runs the namespace's middlewares (a child namespace runs its parent's first); a
// refusal answers CONNECT_ERROR `{message, data?}`; success registers the socket, joins its
// own room, answers CONNECT `{sid}` and only then calls the connection handlers, so a
// handler that emits or disconnects sees a fully connected socket.

import { PacketType } from "../codec/index.js";
import type { Packet } from "../codec/index.js";
import type { WirePacket } from "../engine/contract.js";
import type { Timers } from "../engine/timers.js";
import type { Adapter, AdapterNamespace, Room, SocketId } from "./adapter.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { FetchedSocket } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import { handshakeSlot } from "./handshake.js";
import { runMiddlewares } from "./middleware.js";
import type { ExtendedError, NextFunction } from "./middleware.js";
import { NAMESPACE_RESERVED_EVENTS } from "./reserved.js";
import type { ParentNamespace } from "./parent-namespace.js";
import type { Server } from "./server.js";
import { Socket } from "./socket.js";
import type { RestoredSocketState } from "./socket.js";
import type {
  AnyFunction,
  BroadcastEmitArgs,
  DefaultEventsMap,
  EventNames,
  EventParams,
  EventsMap,
  ListenerOf,
  ListenNames,
} from "./typed-events.js";
import { callUser } from "./user-code.js";
import type { UserErrorReporter } from "./user-code.js";
import { Listeners } from "../util/listeners.js";

/** Events a namespace emits itself. */
export interface NamespaceReservedEvents<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> {
  /** A socket joined this namespace (middlewares passed, CONNECT answered). */
  connection: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
  /** Same as `connection`. */
  connect: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
}

/** A connection middleware: `next()` admits the socket, `next(err)` refuses it. */
export type NamespaceMiddleware<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> = (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, next: NextFunction) => unknown;

/** Answer of a middleware that crashed before deciding: the client is refused without details. */
const MIDDLEWARE_CRASHED: ExtendedError = Object.freeze(new Error("Internal server error")) as ExtendedError;

export class Namespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = Record<string, unknown>,
> implements AdapterNamespace
{
  readonly name: string;
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** Connected sockets of this namespace, by id. */
  readonly sockets = new Map<SocketId, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  readonly adapter: Adapter;
  /** The parent (RegExp or function namespace) whose matcher created this one, if any. */
  readonly parent: ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined;
  /** @internal */
  readonly _timers: Timers;
  /** @internal */
  readonly _report: UserErrorReporter;

  private fns: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] | undefined;
  /** @internal */
  readonly _listeners = new Listeners<Record<string, AnyFunction>>();
  /** Sockets whose middlewares are still running. */
  private pending = 0;

  /** @internal */
  constructor(
    server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    name: string,
    parent?: ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
  ) {
    this.server = server;
    this.name = name;
    this.parent = parent;
    this._timers = server.engine.timers;
    this._report = server._report;
    this.adapter = this.createAdapter();
    const init = this.adapter.init();
    if (init !== undefined) init.then(undefined, (error: unknown) => this._report(error));
  }

  /** @internal */
  protected createAdapter(): Adapter {
    return new this.server._adapter(this);
  }

  // --- handlers ------------------------------------------------------------------------------

  /** Adds a connection middleware. */
  use(fn: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    (this.fns ??= []).push(fn);
    return this;
  }

  on<
    Ev extends ListenNames<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents
    >,
  >(
    ev: Ev,
    listener: ListenerOf<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    this._listeners.on(ev, listener as AnyFunction);
    return this;
  }

  /** Same as {@link on}. */
  addListener<
    Ev extends ListenNames<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents
    >,
  >(
    ev: Ev,
    listener: ListenerOf<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    return this.on(ev, listener);
  }

  once<
    Ev extends ListenNames<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents
    >,
  >(
    ev: Ev,
    listener: ListenerOf<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    const fn = listener as (...a: unknown[]) => unknown;
    const wrapper = (...args: unknown[]): unknown => {
      this._listeners.off(ev, wrapper);
      return fn.apply(this, args);
    };
    this._listeners.on(ev, wrapper);
    return this;
  }

  off<
    Ev extends ListenNames<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents
    >,
  >(
    ev: Ev,
    listener?: ListenerOf<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    this._listeners.off(ev, listener as AnyFunction | undefined);
    return this;
  }

  /** Same as {@link off}. */
  removeListener<
    Ev extends ListenNames<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents
    >,
  >(
    ev: Ev,
    listener?: ListenerOf<
      NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    return this.off(ev, listener);
  }

  removeAllListeners(ev?: string): this {
    if (ev === undefined) this._listeners.clear();
    else this._listeners.off(ev);
    return this;
  }

  listeners(ev: string): AnyFunction[] {
    return this._listeners.get(ev);
  }

  // --- broadcasting --------------------------------------------------------------------------

  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).to(room);
  }

  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).except(room);
  }

  /** Emits to every socket of the namespace. */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: BroadcastEmitArgs<EmitEvents, Ev>): boolean {
    return new BroadcastOperator<EmitEvents, SocketData>(this)._emit(ev, args as readonly unknown[]);
  }

  /** Emits a `message` event to every socket. */
  send(...args: BroadcastEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    new BroadcastOperator<EmitEvents, SocketData>(this)._emit("message", args as readonly unknown[]);
    return this;
  }

  /** Same as {@link send}. */
  write(...args: BroadcastEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    return this.send(...args);
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).compress(compress);
  }

  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).volatile;
  }

  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).local;
  }

  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData, true> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).timeout(ms);
  }

  allSockets(): Promise<Set<SocketId>> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).allSockets();
  }

  fetchSockets(): Promise<FetchedSocket<EmitEvents, SocketData>[]> {
    return new BroadcastOperator<EmitEvents, SocketData>(this).fetchSockets();
  }

  socketsJoin(room: Room | readonly Room[]): void {
    new BroadcastOperator<EmitEvents, SocketData>(this).socketsJoin(room);
  }

  socketsLeave(room: Room | readonly Room[]): void {
    new BroadcastOperator<EmitEvents, SocketData>(this).socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    new BroadcastOperator<EmitEvents, SocketData>(this).disconnectSockets(close);
  }

  // --- between servers -------------------------------------------------------------------------

  /** Sends an event to the other Socket.IO servers of the cluster (none in memory). */
  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(ev: Ev, ...args: EventParams<ServerSideEvents, Ev>): boolean {
    if (NAMESPACE_RESERVED_EVENTS.has(ev)) throw new Error(`"${ev}" is a reserved event name`);
    this.adapter.serverSideEmit([ev, ...(args as readonly unknown[])]);
    return true;
  }

  /** Sends an event to the other servers and resolves with their answers (in memory: `[]`). */
  serverSideEmitWithAck<Ev extends EventNames<ServerSideEvents>>(ev: Ev, ...args: unknown[]): Promise<unknown[]> {
    if (NAMESPACE_RESERVED_EVENTS.has(ev)) throw new Error(`"${ev}" is a reserved event name`);
    return new Promise((resolve, reject) => {
      const ack = (err: (Error & { responses?: unknown[] }) | null, responses: unknown[]): void => {
        if (err === null) resolve(responses);
        else {
          err.responses = responses;
          reject(err);
        }
      };
      this.adapter.serverSideEmit([ev, ...args, ack]);
    });
  }

  /** @internal An adapter delivers another server's `serverSideEmit` here. */
  _onServerSideEmit(args: readonly unknown[]): void {
    const [ev, ...rest] = args;
    for (const fn of this._listeners.get(String(ev))) callUser(this._report, undefined, fn, this, rest);
  }

  // --- what the adapter and the Client call -----------------------------------------------------

  /** @internal Encodes a broadcast once for this namespace. */
  _encode(packet: Packet): readonly WirePacket[] {
    packet.nsp = this.name;
    const frames = this.server._encoder.encode(packet);
    const engine = this.server.engine;
    if (frames.length === 1) return [engine.prepare(frames[0])];
    return frames.map((frame) => engine.prepare(frame));
  }

  /** Middlewares that apply here: a parent's first. */
  private middlewares(): readonly NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] {
    const own = this.fns ?? [];
    const inherited = this.parent?.middlewares() ?? [];
    return inherited.length === 0 ? own : own.length === 0 ? inherited : [...inherited, ...own];
  }

  /** @internal A client asks to join: runs the middlewares, then connects or refuses. */
  _add(
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    auth: Readonly<Record<string, unknown>>,
  ): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const conn = client.conn;
    const handshake = handshakeSlot(conn.request, auth, this._timers.now());
    const socket = new Socket(this, client, this.server._generateId(), handshake, Socket._freshData, false);
    client._track(socket);
    const fns = this.middlewares();
    if (fns.length === 0) {
      this.doConnect(socket);
      return socket;
    }
    this.pending++;
    runMiddlewares(
      fns,
      socket,
      this._report,
      socket,
      (err) => this.decided(socket, err),
      () => this.decided(socket, MIDDLEWARE_CRASHED),
    );
    return socket;
  }

  private decided(
    socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    err: ExtendedError | undefined,
  ): void {
    this.pending--;
    const client = socket.client;
    if (socket._state === "closed" || client.conn.readyState !== "open") {
      // The client left (or the connection closed) while the middlewares ran.
      socket._cleanup();
      this.maybeCleanup();
      return;
    }
    if (err !== undefined) {
      socket._cleanup();
      const message = String(err.message);
      try {
        const data = err.data === undefined ? { message } : { message, data: err.data };
        client._writePacket({ type: PacketType.CONNECT_ERROR, nsp: this.name, data });
      } catch (encodeError) {
        // `err.data` cannot be encoded: the middleware's bug; the client still gets its answer.
        this._report(encodeError, socket);
        client._writePacket({ type: PacketType.CONNECT_ERROR, nsp: this.name, data: { message } });
      }
      this.maybeCleanup();
      return;
    }
    this.doConnect(socket);
  }

  private doConnect(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    this.sockets.set(socket.id, socket);
    socket._onconnect();
    socket.client._onconnected(socket);
    this._emitConnection(socket);
  }

  /**
   * @internal Calls the connection handlers of a connected socket: `connect` ones, then
   * `connection` ones, a parent's before the namespace's own (as socket.io, which copies a
   * parent's handlers into each child, orders them).
   */
  _emitConnection(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    for (const ev of ["connect", "connection"] as const) {
      if (this.parent !== undefined) this.callHandlers(this.parent, ev, socket);
      this.callHandlers(this, ev, socket);
    }
  }

  private callHandlers(
    source: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    ev: "connect" | "connection",
    socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
  ): void {
    for (const fn of source._listeners.get(ev)) callUser(this._report, socket, fn, this, [socket]);
  }

  /** @internal Adds a socket rebuilt from a snapshot: no middlewares, no CONNECT packet. */
  _restore(
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    state: RestoredSocketState,
    rooms: readonly Room[],
    ackId: number,
  ): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const handshake = handshakeSlot(client.conn.request, state.auth, state.issued);
    const socket = new Socket(this, client, state.id, handshake, state.data, true);
    this.sockets.set(socket.id, socket);
    socket._onrestore(rooms, ackId);
    return socket;
  }

  /** @internal A socket left. */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (this.sockets.get(socket.id) === socket) this.sockets.delete(socket.id);
    this.maybeCleanup();
  }

  private maybeCleanup(): void {
    if (this.sockets.size === 0 && this.pending === 0 && this.parent !== undefined) {
      this.server._childEmptied(this);
    }
  }

  /** @internal Emits a namespace-level reserved event (`new_namespace` on "/"). */
  _emitReserved(ev: string, ...args: unknown[]): void {
    for (const fn of this._listeners.get(ev)) callUser(this._report, undefined, fn, this, args);
  }
}
