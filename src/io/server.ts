// The Socket.IO server: socket.io v4's `Server` on top of unio's pure Engine.IO server.
//
// It owns the namespaces (static ones by name, dynamic ones through matchers), the shared
// encoder, the options of the Socket.IO layer, and the one way application errors are
// reported. Everything else is delegated: `io.emit`, `io.to()`, `io.use()`, `io.on()` and
// friends act on the main namespace "/" exactly as socket.io's do.

import { Encoder } from "../codec/index.js";
import { EngineServer } from "../engine/server.js";
import type { EngineOptions } from "../engine/types.js";
import { InMemoryAdapter } from "./adapter.js";
import type { AdapterConstructor, Room, SocketId } from "./adapter.js";
import type { BroadcastOperator, FetchedSocket } from "./broadcast-operator.js";
import { Client } from "./client.js";
import type { EngineConnection } from "./engine-port.js";
import { defaultGenerateId } from "../engine/id.js";
import { Namespace } from "./namespace.js";
import type { NamespaceMiddleware, NamespaceReservedEvents } from "./namespace.js";
import { ParentNamespace } from "./parent-namespace.js";
import type { NamespaceMatcher } from "./parent-namespace.js";
import { assertClientSnapshot } from "./snapshot.js";
import type { ClientSnapshot } from "./snapshot.js";
import type { Socket } from "./socket.js";
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
import { defaultUserErrorReporter, isPromiseLike, safeReport } from "./user-code.js";
import type { UserErrorReporter } from "./user-code.js";

export interface ServerOptions<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = Record<string, unknown>,
> extends EngineOptions {
  /** Milliseconds a connection may stay without joining any namespace. Default 45000. */
  connectTimeout?: number;
  /** Most binary attachments one packet from a client may carry. Default 10. */
  maxAttachments?: number;
  /**
   * Most namespaces one connection may be in or joining at once; a CONNECT past it is refused
   * with `{"message":"Too many namespaces"}`. Bounds what one client can make a dynamic
   * namespace create. Default 100.
   */
  maxNamespacesPerClient?: number;
  /** Delete a dynamic (child) namespace when its last socket leaves. Default false. */
  cleanupEmptyChildNamespaces?: boolean;
  /** The adapter class of every namespace. Default: {@link InMemoryAdapter}. */
  adapter?: AdapterConstructor;
  /**
   * Receives every exception thrown (or promise rejected) by application code: listeners,
   * middlewares, connection handlers, ack callbacks, namespace matchers. Default: console.error.
   */
  onUserError?: (error: unknown, socket?: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
}

/** Events of the server itself (those of its main namespace, plus `new_namespace`). */
export interface ServerReservedEvents<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> extends NamespaceReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** A namespace was created (not fired for "/"). */
  new_namespace: (nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
}

interface ParentEntry<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> {
  readonly matcher: NamespaceMatcher;
  readonly parent: ParentNamespace<L, E, S, D>;
  readonly regex: RegExp | undefined;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0)) throw new TypeError(`ServerOptions.${name} must be a number >= 0`);
  return value;
}

export class Server<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = Record<string, unknown>,
> {
  /** The Engine.IO server underneath: a runtime shim feeds it requests, WebSockets and time. */
  readonly engine: EngineServer;
  /** The main namespace "/". */
  readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;

  /** @internal Namespaces by name (static ones and created children). */
  readonly _nsps = new Map<string, Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  /** @internal */
  readonly _encoder = new Encoder();
  /** @internal */
  readonly _connectTimeout: number;
  /** @internal */
  readonly _maxAttachments: number;
  /** @internal */
  readonly _maxNamespacesPerClient: number;
  /** @internal */
  readonly _adapter: AdapterConstructor;
  /** @internal */
  readonly _report: UserErrorReporter;
  /** @internal Socket ids. */
  readonly _generateId: () => string;

  private readonly parents: ParentEntry<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] = [];
  private readonly cleanupEmptyChildNamespaces: boolean;

  constructor(options: ServerOptions<ListenEvents, EmitEvents, ServerSideEvents, SocketData> = {}) {
    const {
      connectTimeout,
      maxAttachments,
      maxNamespacesPerClient,
      cleanupEmptyChildNamespaces,
      adapter,
      onUserError,
      ...engineOptions
    } = options;
    this._connectTimeout = nonNegative("connectTimeout", connectTimeout, 45_000);
    this._maxAttachments = nonNegative("maxAttachments", maxAttachments, 10);
    if (!Number.isSafeInteger(this._maxAttachments)) throw new TypeError("ServerOptions.maxAttachments must be an integer");
    this._maxNamespacesPerClient = nonNegative("maxNamespacesPerClient", maxNamespacesPerClient, 100);
    if (!Number.isSafeInteger(this._maxNamespacesPerClient) || this._maxNamespacesPerClient < 1) {
      throw new TypeError("ServerOptions.maxNamespacesPerClient must be an integer >= 1");
    }
    this.cleanupEmptyChildNamespaces = cleanupEmptyChildNamespaces ?? false;
    this._adapter = adapter ?? InMemoryAdapter;
    this._report =
      onUserError === undefined
        ? defaultUserErrorReporter
        : (error, socket) =>
            onUserError(error, socket as Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined);
    this._generateId = engineOptions.generateId ?? defaultGenerateId;
    // What the engine's application callbacks throw (allowRequest, the CORS origin function,
    // generateId) is user code like any other: it goes to onUserError, with no socket.
    const report = this._report;
    this.engine = new EngineServer({
      ...engineOptions,
      path: engineOptions.path ?? "/socket.io/",
      onError: engineOptions.onError ?? ((error) => safeReport(report, error, undefined)),
    });
    this.engine.on("connection", (conn) => {
      this._onconnection(conn);
    });
    this.sockets = this.of("/");
  }

  /** @internal A new Engine.IO connection (the engine's `connection` event, or a test's fake). */
  _onconnection(conn: EngineConnection): Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    return new Client(this, conn);
  }

  // --- namespaces ---------------------------------------------------------------------------------

  /**
   * The namespace `name` (created on first use), or a parent of dynamic namespaces for a
   * RegExp or a matcher function `(name, auth, next) => next(null, allow)`. `fn`, when
   * given, is added as a `connection` handler.
   */
  of(
    name: RegExp | NamespaceMatcher,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  of(
    name: string,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  of(
    name: string | RegExp | NamespaceMatcher,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    if (typeof name === "function" || name instanceof RegExp) {
      if (name instanceof RegExp && (name.global || name.sticky)) {
        throw new Error("stateful regular expressions (g or y flag) cannot match namespaces");
      }
      const parent = new ParentNamespace(this);
      const regex = name instanceof RegExp ? name : undefined;
      const matcher: NamespaceMatcher =
        regex === undefined ? (name as NamespaceMatcher) : (nsp, _auth, next) => next(null, regex.test(nsp));
      this.parents.push({ matcher, parent, regex });
      if (fn !== undefined) parent.on("connection", fn);
      return parent;
    }
    const normalized = name.startsWith("/") ? name : `/${name}`;
    let nsp = this._nsps.get(normalized);
    if (nsp === undefined) {
      const entry = this.parents.find((p) => p.regex?.test(normalized) === true);
      if (entry !== undefined) {
        nsp = this.createChild(entry.parent, normalized);
      } else {
        nsp = new Namespace(this, normalized);
        this._nsps.set(normalized, nsp);
        if (normalized !== "/") this.sockets._emitReserved("new_namespace", nsp);
      }
    }
    if (fn !== undefined) nsp.on("connection", fn);
    return nsp;
  }

  private createChild(
    parent: ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    name: string,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const child = parent._createChild(name);
    this._nsps.set(name, child);
    this.sockets._emitReserved("new_namespace", child);
    return child;
  }

  /**
   * @internal Asks the parents' matchers, in the order they were added, whether `name`
   * belongs to one; creates the child namespace for the first that accepts. A matcher that
   * throws or rejects counts as a refusal (and is reported).
   */
  _matchNamespace(
    name: string,
    auth: Readonly<Record<string, unknown>>,
    done: (nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined) => void,
  ): void {
    const entries = this.parents.slice();
    let index = 0;
    const tryNext = (): void => {
      const entry = entries[index++];
      if (entry === undefined) {
        done(undefined);
        return;
      }
      let answered = false;
      const next = (err: Error | null, allow: boolean): void => {
        if (answered) return;
        answered = true;
        if ((err !== null && err !== undefined) || allow !== true) {
          tryNext();
          return;
        }
        done(this._nsps.get(name) ?? this.createChild(entry.parent, name));
      };
      const fail = (error: unknown): void => {
        safeReport(this._report, error, undefined);
        if (answered) return;
        answered = true;
        tryNext();
      };
      try {
        const result = entry.matcher(name, auth, next);
        if (isPromiseLike(result)) result.then(undefined, fail);
      } catch (error) {
        fail(error);
      }
    };
    tryNext();
  }

  /**
   * @internal The namespace `name` if it exists or a matcher accepts it synchronously (a
   * restore cannot wait); otherwise undefined.
   */
  _resolveNamespaceNow(
    name: string,
    auth: Readonly<Record<string, unknown>>,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined {
    let found = this._nsps.get(name);
    if (found !== undefined) return found;
    this._matchNamespace(name, auth, (nsp) => {
      found ??= nsp;
    });
    return found;
  }

  /** @internal A child namespace lost its last socket. */
  _childEmptied(child: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (!this.cleanupEmptyChildNamespaces) return;
    child.parent?.children.delete(child);
    if (this._nsps.get(child.name) === child) this._nsps.delete(child.name);
    const closed = child.adapter.close();
    if (closed !== undefined) closed.then(undefined, (error: unknown) => safeReport(this._report, error, undefined));
  }

  // --- the main namespace's API ---------------------------------------------------------------------

  on<
    Ev extends ListenNames<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>,
  >(
    ev: Ev,
    listener: ListenerOf<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    this.sockets._listeners.on(ev, listener as AnyFunction);
    return this;
  }

  /** Same as {@link on}. */
  addListener<
    Ev extends ListenNames<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>,
  >(
    ev: Ev,
    listener: ListenerOf<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    return this.on(ev, listener);
  }

  once<
    Ev extends ListenNames<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>,
  >(
    ev: Ev,
    listener: ListenerOf<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    const fn = listener as (...a: unknown[]) => unknown;
    const registry = this.sockets._listeners;
    const wrapper = (...args: unknown[]): unknown => {
      registry.off(ev, wrapper);
      return fn.apply(this, args);
    };
    registry.on(ev, wrapper);
    return this;
  }

  off<
    Ev extends ListenNames<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>,
  >(
    ev: Ev,
    listener?: ListenerOf<
      ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    this.sockets._listeners.off(ev, listener as AnyFunction | undefined);
    return this;
  }

  /** Same as {@link off}. */
  removeListener<
    Ev extends ListenNames<ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>,
  >(
    ev: Ev,
    listener?: ListenerOf<
      ServerReservedEvents<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
      ServerSideEvents,
      Ev
    >,
  ): this {
    return this.off(ev, listener);
  }

  removeAllListeners(ev?: string): this {
    this.sockets.removeAllListeners(ev);
    return this;
  }

  listeners(ev: string): AnyFunction[] {
    return this.sockets.listeners(ev);
  }

  /** Adds a connection middleware to the main namespace. */
  use(fn: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this.sockets.use(fn);
    return this;
  }

  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.to(room);
  }

  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.in(room);
  }

  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.except(room);
  }

  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: BroadcastEmitArgs<EmitEvents, Ev>): boolean {
    return this.sockets.emit(ev, ...args);
  }

  send(...args: BroadcastEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    this.sockets.send(...args);
    return this;
  }

  write(...args: BroadcastEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    return this.send(...args);
  }

  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(ev: Ev, ...args: EventParams<ServerSideEvents, Ev>): boolean {
    return this.sockets.serverSideEmit(ev, ...args);
  }

  serverSideEmitWithAck<Ev extends EventNames<ServerSideEvents>>(ev: Ev, ...args: unknown[]): Promise<unknown[]> {
    return this.sockets.serverSideEmitWithAck(ev, ...args);
  }

  allSockets(): Promise<Set<SocketId>> {
    return this.sockets.allSockets();
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.compress(compress);
  }

  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.volatile;
  }

  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.sockets.local;
  }

  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData, true> {
    return this.sockets.timeout(ms);
  }

  fetchSockets(): Promise<FetchedSocket<EmitEvents, SocketData>[]> {
    return this.sockets.fetchSockets();
  }

  socketsJoin(room: Room | readonly Room[]): void {
    this.sockets.socketsJoin(room);
  }

  socketsLeave(room: Room | readonly Room[]): void {
    this.sockets.socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  // --- lifecycle ----------------------------------------------------------------------------------

  /**
   * Rebuilds a connection's sockets from `client.snapshot()` after the process lost them
   * (a Durable Object waking from hibernation): same socket ids, rooms and `data`, no
   * middlewares, no packet to the client. The namespaces' connection handlers run again
   * with `socket.recovered === true`, so they can re-attach listeners. A namespace that no
   * longer exists, or that only an asynchronous matcher accepts, is skipped.
   */
  restoreClient(
    conn: EngineConnection,
    snapshot: ClientSnapshot,
  ): Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    assertClientSnapshot(snapshot);
    if (snapshot.sid !== conn.id) {
      throw new TypeError(`snapshot of session ${snapshot.sid} cannot restore session ${conn.id}`);
    }
    const client = new Client(this, conn, false);
    if (client._restore(snapshot).length === 0) client._armConnectTimeout();
    return client;
  }

  /**
   * Disconnects every socket ("server shutting down"), closes the adapters and the engine
   * (every session gets its close packet). The runtime shim stops listening on its own.
   */
  async close(): Promise<void> {
    const closing: Array<void | Promise<void>> = [];
    for (const nsp of [...this._nsps.values()]) {
      for (const socket of [...nsp.sockets.values()]) socket._onclose("server shutting down");
      closing.push(nsp.adapter.close());
    }
    this.engine.close();
    const results = await Promise.allSettled(closing);
    for (const result of results) if (result.status === "rejected") safeReport(this._report, result.reason, undefined);
  }
}
