// One client in one namespace: socket.io's server-side `Socket`.
//
// Rules this file keeps:
// - `emit` SENDS to the client; `on` listens to what the client sends. Listeners live in a
//   registry held by composition, so emitter internals never meet the protocol's names.
// - Modifiers (`timeout`, `volatile`, `compress`, `to`, `broadcast`, …) return new objects;
//   the socket itself holds no per-emit flags, so nothing leaks into the next emit.
// - Application code is always called through `callUser`: a throw or a rejection is
//   reported to `onUserError` and never breaks the connection or another socket.
// - Local misuse throws at the call (a reserved event name, a value that cannot be encoded);
//   peer mistakes never throw (the Client turns them into a "parse error" close).
// - Per-socket state is allocated on first use: ack table, catch-all listeners, middlewares.
//
// States: pending (namespace middlewares running) → connected → closed. A pending socket
// may already join rooms and emit (socket.io allows both inside middlewares); it receives
// no broadcasts until connected.

import { PacketType } from "../codec/index.js";
import type { Packet } from "../codec/index.js";
import type { WirePacket } from "../engine/contract.js";
import type { HandshakeRequest } from "../engine/types.js";
import { PendingAcks } from "./acks.js";
import type { Adapter, AdapterSocket, BroadcastFlags, Room, SocketId } from "./adapter.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import type { EngineConnection } from "./engine-port.js";
import { readHandshake } from "./handshake.js";
import type { Handshake, HandshakeSlot } from "./handshake.js";
import { runMiddlewares } from "./middleware.js";
import type { NextFunction } from "./middleware.js";
import type { Namespace } from "./namespace.js";
import type { DisconnectReason } from "./reasons.js";
import { assertEmittable } from "./reserved.js";
import { SocketEmitter } from "./socket-emitter.js";
import type { SocketEmitFlags } from "./socket-emitter.js";
import type {
  AnyFunction,
  AnyListener,
  DefaultEventsMap,
  EmitWithAckArgs,
  EmitWithAckResult,
  EventNames,
  EventsMap,
  ListenerOf,
  ListenNames,
  SocketEmitArgs,
} from "./typed-events.js";
import { Listeners } from "../util/listeners.js";
import { callUser } from "./user-code.js";

/** Events the server emits on a socket itself. */
export interface SocketReservedEvents {
  /** The socket is about to leave its namespace; its rooms are still joined. */
  disconnecting: (reason: DisconnectReason, description?: unknown) => void;
  /** The socket left its namespace. */
  disconnect: (reason: DisconnectReason, description?: unknown) => void;
  /** A per-packet middleware (`socket.use`) refused a packet with this error. */
  error: (err: Error) => void;
}

/** A per-packet middleware: gets `[event, ...args]` (the ack last, when the client asked for one). */
export type PacketMiddleware = (packet: unknown[], next: NextFunction) => unknown;

export type SocketState = "pending" | "connected" | "closed";

type OnceWrapper = AnyFunction & { listener: AnyFunction };

function isOnceWrapper(fn: AnyFunction): fn is OnceWrapper {
  return typeof (fn as Partial<OnceWrapper>).listener === "function";
}

const NO_FLAGS: SocketEmitFlags = {};

/**
 * What few sockets use, kept apart: a socket without them has 12 fields, which on JSC is one
 * object size class (112 bytes) below what 13 take (160).
 */
class SocketHooks {
  /** `onAny` listeners. */
  any: AnyListener[] | undefined = undefined;
  /** `onAnyOutgoing` listeners. */
  anyOutgoing: AnyListener[] | undefined = undefined;
  /** `use` middlewares. */
  fns: PacketMiddleware[] | undefined = undefined;
}

/** `data` not read or set yet: the empty object it starts as is made on first read. */
const NO_DATA: unique symbol = Symbol("no data yet");

/** Options for restoring a socket from a snapshot. */
export interface RestoredSocketState {
  readonly id: SocketId;
  readonly issued: number;
  readonly auth: Readonly<Record<string, unknown>>;
  readonly data: unknown;
}

export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = Record<string, unknown>,
> implements AdapterSocket
{
  /** This socket's id: random, unrelated to the Engine.IO session id. */
  readonly id: SocketId;
  /** The handshake, or the time it was issued until it is first read (see handshake.ts). */
  private handshakeSlot: HandshakeSlot;
  /** True when the socket was rebuilt from a snapshot (`Server.restoreClient`) rather than connected afresh. */
  readonly recovered: boolean;
  readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  readonly client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;

  /** `data`'s value (see the accessors). */
  private dataValue: unknown;
  private state: SocketState = "pending";
  /** True from the start of `disconnecting` on: a second close is ignored. */
  private closing = false;
  private readonly listenerMap = new Listeners<Record<string, AnyFunction>>();
  /** Catch-all listeners and per-packet middlewares, made on first use (see `SocketHooks`). */
  private hooks: SocketHooks | undefined = undefined;
  /** Acks waiting for the client, created on first need. */
  private acks: PendingAcks | undefined;
  /** The next server→client ack id. */
  private ackId = 0;

  /** @internal */
  constructor(
    nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    id: SocketId,
    handshake: HandshakeSlot,
    data: unknown,
    recovered: boolean,
  ) {
    this.nsp = nsp;
    this.client = client;
    this.id = id;
    this.handshakeSlot = handshake;
    this.dataValue = data;
    this.recovered = recovered;
  }

  // --- state ---------------------------------------------------------------------------

  /**
   * Application data kept with the socket (and in its snapshot: keep it JSON). Starts as an
   * empty object, made on first read: most sockets of a large server never use it.
   */
  get data(): SocketData {
    let value = this.dataValue;
    if (value === NO_DATA) value = this.dataValue = {};
    return value as SocketData;
  }

  set data(value: SocketData) {
    this.dataValue = value;
  }

  // The hooks, read and written as if they were fields of the socket.
  private get anyListeners(): AnyListener[] | undefined {
    return this.hooks?.any;
  }
  private set anyListeners(list: AnyListener[] | undefined) {
    (this.hooks ??= new SocketHooks()).any = list;
  }
  private get anyOutgoingListeners(): AnyListener[] | undefined {
    return this.hooks?.anyOutgoing;
  }
  private set anyOutgoingListeners(list: AnyListener[] | undefined) {
    (this.hooks ??= new SocketHooks()).anyOutgoing = list;
  }
  private get fns(): PacketMiddleware[] | undefined {
    return this.hooks?.fns;
  }
  private set fns(list: PacketMiddleware[] | undefined) {
    (this.hooks ??= new SocketHooks()).fns = list;
  }

  /** @internal A fresh socket's `data` before it is first read. */
  static readonly _freshData: unknown = NO_DATA;

  /** What the client's connection request carried: built on first read, then the same object. */
  get handshake(): Handshake {
    const slot = this.handshakeSlot;
    if (typeof slot !== "number") return slot;
    return (this.handshakeSlot = readHandshake(slot, this.client.conn.request));
  }

  /** @internal The handshake's slot as it is now (for snapshots: read without building it). */
  get _handshakeSlot(): HandshakeSlot {
    return this.handshakeSlot;
  }

  /** Whether the socket is in its namespace (false while middlewares run, and after disconnect). */
  get connected(): boolean {
    return this.state === "connected";
  }

  get disconnected(): boolean {
    return this.state !== "connected";
  }

  /** @internal pending → connected → closed. */
  get _state(): SocketState {
    return this.state;
  }

  /** The underlying Engine.IO connection. */
  get conn(): EngineConnection {
    return this.client.conn;
  }

  /** The handshake request as the engine kept it (url, headers, query, address, secure). */
  get request(): HandshakeRequest {
    return this.client.conn.request;
  }

  get adapter(): Adapter {
    return this.nsp.adapter;
  }

  /** The rooms this socket is in (its own id included once connected). */
  get rooms(): ReadonlySet<Room> {
    return this.nsp.adapter.socketRooms(this.id) ?? new Set();
  }

  // --- listening to the client -------------------------------------------------------------

  on<Ev extends ListenNames<SocketReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ListenerOf<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    this.listenerMap.on(ev, listener as AnyFunction);
    return this;
  }

  /** Same as {@link on}. */
  addListener<Ev extends ListenNames<SocketReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ListenerOf<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    return this.on(ev, listener);
  }

  prependListener<Ev extends ListenNames<SocketReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ListenerOf<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    this.listenerMap.prepend(ev, listener as AnyFunction);
    return this;
  }

  once<Ev extends ListenNames<SocketReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ListenerOf<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    const fn = listener as AnyFunction;
    const wrapper = Object.assign(
      (...args: unknown[]): unknown => {
        this.removeOne(ev, wrapper);
        return (fn as (...a: unknown[]) => unknown).apply(this, args);
      },
      { listener: fn },
    );
    this.listenerMap.on(ev, wrapper);
    return this;
  }

  /** Removes one registration of `listener` (or every listener of `ev` when omitted). */
  off<Ev extends ListenNames<SocketReservedEvents, ListenEvents>>(
    ev: Ev,
    listener?: ListenerOf<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    if (listener === undefined) this.listenerMap.off(ev);
    else this.removeOne(ev, listener as AnyFunction);
    return this;
  }

  /** Same as {@link off}. */
  removeListener<Ev extends ListenNames<SocketReservedEvents, ListenEvents>>(
    ev: Ev,
    listener?: ListenerOf<SocketReservedEvents, ListenEvents, Ev>,
  ): this {
    return this.off(ev, listener);
  }

  removeAllListeners(ev?: ListenNames<SocketReservedEvents, ListenEvents>): this {
    if (ev === undefined) this.listenerMap.clear();
    else this.listenerMap.off(ev);
    return this;
  }

  listeners<Ev extends ListenNames<SocketReservedEvents, ListenEvents>>(
    ev: Ev,
  ): ListenerOf<SocketReservedEvents, ListenEvents, Ev>[] {
    return this.listenerMap
      .get(ev)
      .map((fn) => (isOnceWrapper(fn) ? fn.listener : fn)) as ListenerOf<SocketReservedEvents, ListenEvents, Ev>[];
  }

  listenerCount(ev: ListenNames<SocketReservedEvents, ListenEvents>): number {
    return this.listenerMap.count(ev);
  }

  private removeOne(ev: string, fn: AnyFunction): void {
    const list = this.listenerMap.get(ev);
    for (let i = list.length - 1; i >= 0; i--) {
      const registered = list[i]!;
      if (registered === fn || (isOnceWrapper(registered) && registered.listener === fn)) {
        this.listenerMap.off(ev, registered);
        return;
      }
    }
  }

  /** Calls `listener(event, ...args)` for every event the client sends, before the event's own listeners. */
  onAny(listener: AnyListener): this {
    (this.anyListeners ??= []).push(listener);
    return this;
  }

  prependAny(listener: AnyListener): this {
    (this.anyListeners ??= []).unshift(listener);
    return this;
  }

  /** Removes one catch-all listener, or all of them when omitted. */
  offAny(listener?: AnyListener): this {
    this.anyListeners = removeFrom(this.anyListeners, listener);
    return this;
  }

  listenersAny(): AnyListener[] {
    return this.anyListeners?.slice() ?? [];
  }

  /** Calls `listener(event, ...args)` for every event sent to this client (emits and broadcasts, not acks). */
  onAnyOutgoing(listener: AnyListener): this {
    (this.anyOutgoingListeners ??= []).push(listener);
    return this;
  }

  prependAnyOutgoing(listener: AnyListener): this {
    (this.anyOutgoingListeners ??= []).unshift(listener);
    return this;
  }

  offAnyOutgoing(listener?: AnyListener): this {
    this.anyOutgoingListeners = removeFrom(this.anyOutgoingListeners, listener);
    return this;
  }

  listenersAnyOutgoing(): AnyListener[] {
    return this.anyOutgoingListeners?.slice() ?? [];
  }

  /** Adds a per-packet middleware; `next(err)` drops the packet and emits `error` on this socket. */
  use(fn: PacketMiddleware): this {
    (this.fns ??= []).push(fn);
    return this;
  }

  // --- sending to the client -----------------------------------------------------------------

  /**
   * Sends an event to this client. A function as last argument is an ack callback: it gets
   * the client's answer. Throws for a reserved event name or a value that cannot be encoded.
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: SocketEmitArgs<EmitEvents, Ev>): boolean {
    return this._emit(ev, args as readonly unknown[], NO_FLAGS);
  }

  /** Sends an event and resolves with the client's answer (its first argument). */
  emitWithAck<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: EmitWithAckArgs<EmitEvents, Ev>
  ): Promise<EmitWithAckResult<EmitEvents, Ev>> {
    return this._emitWithAck(ev, args as readonly unknown[], NO_FLAGS) as Promise<EmitWithAckResult<EmitEvents, Ev>>;
  }

  /** Emits a `message` event (WebSocket-like). */
  send(...args: SocketEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    this._emit("message", args as readonly unknown[], NO_FLAGS);
    return this;
  }

  /** Same as {@link send}. */
  write(...args: SocketEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    return this.send(...args);
  }

  /** Emit modifiers: `socket.timeout(ms).emit(...)` — the ack gets `(err, ...answer)`. */
  timeout(ms: number): SocketEmitter<ListenEvents, EmitEvents, ServerSideEvents, SocketData, true> {
    return new SocketEmitter(this, NO_FLAGS).timeout(ms);
  }

  /** The next emit may be dropped if the client cannot take it right now. */
  get volatile(): SocketEmitter<ListenEvents, EmitEvents, ServerSideEvents, SocketData, false> {
    return new SocketEmitter(this, { volatile: true });
  }

  compress(compress: boolean): SocketEmitter<ListenEvents, EmitEvents, ServerSideEvents, SocketData, false> {
    return new SocketEmitter(this, { compress });
  }

  /** Broadcast to a room, leaving this socket out. */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.to(room);
  }

  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.in(room);
  }

  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.except(room);
  }

  /** Broadcast to every socket of the namespace but this one. */
  get broadcast(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.nsp, undefined, new Set([this.id]));
  }

  /** Broadcast to this server's sockets only, leaving this socket out. */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.local;
  }

  /** @internal An emit with modifiers; the typed fronts all end here. */
  _emit(ev: string, args: readonly unknown[], flags: SocketEmitFlags): boolean {
    assertEmittable(ev);
    let end = args.length;
    const last = args[end - 1];
    const ack = typeof last === "function" ? (last as AnyFunction) : undefined;
    if (ack !== undefined) end--;
    const data: unknown[] = [ev];
    for (let i = 0; i < end; i++) data.push(args[i]);

    if (this.state === "closed") {
      // Nothing can reach the client any more; a deadline-bound ack learns it now.
      if (ack !== undefined && flags.timeout !== undefined) this.failLater(ack, new Error("socket has been disconnected"));
      return true;
    }
    const packet: Packet =
      ack === undefined
        ? { type: PacketType.EVENT, nsp: this.nsp.name, data }
        : { type: PacketType.EVENT, nsp: this.nsp.name, data, id: this.ackId };
    // Encodes first: an EncodeError leaves no ack registered and nothing sent.
    const frames = this.nsp.server._encoder.encode(packet, true);
    if (ack !== undefined) this.pendingAcks().add(this.ackId++, ack, flags.timeout);
    if (this.anyOutgoingListeners !== undefined) this.notifyOutgoing(data);
    this.client._writeFrames(frames, flags.volatile === true, flags.compress);
    return true;
  }

  /** @internal */
  _emitWithAck(ev: string, args: readonly unknown[], flags: SocketEmitFlags): Promise<unknown> {
    let callback!: AnyFunction;
    const promise = new Promise<unknown>((resolve, reject) => {
      callback =
        flags.timeout === undefined
          ? (answer: unknown) => resolve(answer)
          : (err: Error | null, answer: unknown) => (err === null ? resolve(answer) : reject(err));
    });
    // Outside the executor: local misuse throws at the call, as `emit` does.
    this._emit(ev, [...args, callback], flags);
    return promise;
  }

  private pendingAcks(): PendingAcks {
    return (this.acks ??= new PendingAcks(this.nsp._timers, (fn, args) => this.callAck(fn, args)));
  }

  private failLater(ack: AnyFunction, error: Error): void {
    queueMicrotask(() => this.callAck(ack, [error]));
  }

  private callAck(ack: AnyFunction, args: readonly unknown[]): void {
    callUser(this.nsp._report, this, ack, this, args);
  }

  private notifyOutgoing(data: readonly unknown[]): void {
    const list = this.anyOutgoingListeners;
    if (list === undefined || list.length === 0) return;
    for (const fn of list.slice()) callUser(this.nsp._report, this, fn, this, data);
  }

  // --- rooms -------------------------------------------------------------------------------

  /** Joins a room or several. Returns what the adapter returns (a promise for a networked one). */
  join(rooms: Room | readonly Room[]): void | Promise<void> {
    if (this.state === "closed") return;
    return this.nsp.adapter.addAll(this.id, typeof rooms === "string" ? [rooms] : rooms);
  }

  /** Leaves a room. */
  leave(room: Room): void | Promise<void> {
    if (this.state === "closed") return;
    return this.nsp.adapter.del(this.id, room);
  }

  // --- leaving -------------------------------------------------------------------------------

  /**
   * Leaves the namespace ("server namespace disconnect"; the client sees "io server
   * disconnect"). With `close`, closes the whole connection, every namespace of it.
   */
  disconnect(close = false): this {
    if (this.state !== "connected") return this;
    if (close) {
      this.client._disconnectAll();
    } else {
      this.client._writePacket({ type: PacketType.DISCONNECT, nsp: this.nsp.name });
      this._onclose("server namespace disconnect");
    }
    return this;
  }

  // --- the Client and Namespace drive these ----------------------------------------------------

  /** @internal Middlewares passed: join the own room and tell the client. */
  _onconnect(): void {
    this.state = "connected";
    this.join(this.id);
    this.client._writePacket({ type: PacketType.CONNECT, nsp: this.nsp.name, data: { sid: this.id } });
  }

  /** @internal Restored from a snapshot: connected, rooms back, no packet sent. */
  _onrestore(rooms: readonly Room[], ackId: number): void {
    this.state = "connected";
    this.ackId = ackId;
    this.nsp.adapter.addAll(this.id, [this.id, ...rooms]);
  }

  /** @internal A packet for this namespace from the client (never CONNECT). */
  _onpacket(packet: Packet): void {
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.onevent(packet.data as unknown[], packet.id);
        break;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        this.onack(packet.id, packet.data as unknown[]);
        break;
      case PacketType.DISCONNECT:
        this._onclose("client namespace disconnect");
        break;
    }
  }

  private onevent(args: unknown[], id: number | undefined): void {
    if (id !== undefined) args.push(this.makeAck(id));
    const catchAll = this.anyListeners;
    if (catchAll !== undefined && catchAll.length > 0) {
      for (const fn of catchAll.length === 1 ? catchAll : catchAll.slice()) callUser(this.nsp._report, this, fn, this, args);
    }
    if (this.fns === undefined) {
      this.dispatch(args);
      return;
    }
    runMiddlewares(
      this.fns,
      args,
      this.nsp._report,
      this,
      (err) => {
        if (err === undefined) this.dispatch(args);
        else if (this.state === "connected") this.emitReserved("error", err);
      },
      () => {},
    );
  }

  private dispatch(args: unknown[]): void {
    if (this.state !== "connected") return;
    const listeners = this.listenerMap.current(String(args[0]));
    if (listeners === undefined) return;
    args.shift();
    const report = this.nsp._report;
    if (typeof listeners === "function") callUser(report, this, listeners, this, args);
    else for (const fn of listeners) callUser(report, this, fn, this, args);
  }

  /** The callback a handler gets for a client's ack request: answers once, later calls do nothing. */
  private makeAck(id: number): (...args: unknown[]) => void {
    let sent = false;
    return (...args: unknown[]): void => {
      if (sent) return;
      sent = true;
      if (this.state !== "connected") return;
      try {
        this.client._writePacket({ type: PacketType.ACK, nsp: this.nsp.name, id, data: args });
      } catch (error) {
        // A value that cannot be encoded, answered to a client's request: the handler's bug,
        // reported, never thrown into code the client triggered.
        this.nsp._report(error, this);
      }
    };
  }

  private onack(id: number | undefined, args: unknown[]): void {
    if (id !== undefined) this.acks?.answer(id, args);
  }

  private emitReserved(ev: keyof SocketReservedEvents, ...args: unknown[]): void {
    const listeners = this.listenerMap.current(ev);
    if (listeners === undefined) return;
    const report = this.nsp._report;
    if (typeof listeners === "function") callUser(report, this, listeners, this, args);
    else for (const fn of listeners) callUser(report, this, fn, this, args);
  }

  /**
   * @internal Leaves the namespace for `reason`: `disconnecting` (rooms still joined), then
   * rooms left and the socket forgotten, then `disconnect`, then pending deadline-bound acks
   * fail with "socket has been disconnected". Idempotent.
   */
  _onclose(reason: DisconnectReason, description?: unknown): void {
    if (this.state === "closed" || this.closing) return;
    if (this.state === "pending") {
      // Never connected: no events, just let go.
      this._cleanup();
      return;
    }
    this.closing = true;
    if (description === undefined) this.emitReserved("disconnecting", reason);
    else this.emitReserved("disconnecting", reason, description);
    this._cleanup();
    if (description === undefined) this.emitReserved("disconnect", reason);
    else this.emitReserved("disconnect", reason, description);
    this.failPendingAcks();
  }

  /** @internal Leaves every room and the namespace, without events. */
  _cleanup(): void {
    this.state = "closed";
    this.nsp.adapter.delAll(this.id);
    this.nsp._remove(this);
    this.client._remove(this);
  }

  private failPendingAcks(): void {
    const acks = this.acks;
    if (acks === undefined) return;
    this.acks = undefined;
    acks.failAll(new Error("socket has been disconnected"));
  }

  /** @internal The state a snapshot keeps. */
  _snapshotState(): { ackId: number } {
    return { ackId: this.ackId };
  }

  // --- what the adapter calls for broadcasts ---------------------------------------------------

  /** @internal */
  _deliver(wire: readonly WirePacket[], packet: Packet, flags: BroadcastFlags): void {
    if (this.anyOutgoingListeners !== undefined && Array.isArray(packet.data)) this.notifyOutgoing(packet.data);
    this.client._writePrepared(wire, flags.volatile === true, flags.compress);
  }

  /** @internal */
  _nextAckId(): number {
    return this.ackId;
  }

  /** @internal */
  _expectAck(id: number, onResponse: (...args: unknown[]) => void): void {
    this.pendingAcks().addCollector(id, onResponse);
    if (id >= this.ackId) this.ackId = id + 1;
  }

  /** @internal */
  _forgetAck(id: number, onResponse: (...args: unknown[]) => void): void {
    this.acks?.forget(id, onResponse);
  }
}

function removeFrom(list: AnyListener[] | undefined, listener: AnyListener | undefined): AnyListener[] | undefined {
  if (list === undefined || listener === undefined) return undefined;
  const i = list.indexOf(listener);
  if (i >= 0) list.splice(i, 1);
  return list.length === 0 ? undefined : list;
}

