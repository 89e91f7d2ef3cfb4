// `io.to("room").except("other").volatile.timeout(5000).emit(...)`: an immutable description
// of a broadcast. Every modifier returns a NEW operator, so nothing set for one emit can
// leak into the next. Emitting hands the packet to the namespace's adapter.

import { PacketType } from "../codec/index.js";
import type { Timers } from "../engine/timers.js";
import type {
  Adapter,
  AdapterSocket,
  BroadcastFlags,
  BroadcastOptions,
  RemoteSocketDetails,
  Room,
  SocketId,
} from "./adapter.js";
import type { Handshake } from "./handshake.js";
import { assertEmittable } from "./reserved.js";
import type {
  BroadcastEmitArgs,
  BroadcastWithAckResult,
  EmitWithAckArgs,
  EmitWithAckResult,
  EventNames,
  EventsMap,
  TimedBroadcastEmitArgs,
  TimedSocketEmitArgs,
} from "./typed-events.js";
import { callUser, safeReport } from "./user-code.js";
import type { UserErrorReporter } from "./user-code.js";

/** What an operator needs from the namespace it broadcasts in. */
export interface BroadcastHost {
  /** The namespace's name, written into each packet. */
  readonly name: string;
  readonly adapter: Adapter;
  /** @internal */
  readonly _timers: Timers;
  /** @internal */
  readonly _report: UserErrorReporter;
}

/** The error an acknowledgement callback gets when answers did not all come in time. */
export type AckTimeoutError = Error & { responses?: unknown[] };

const EMPTY: ReadonlySet<Room> = new Set();

function addRooms(base: ReadonlySet<Room>, room: Room | readonly Room[]): Set<Room> {
  const rooms = new Set(base);
  if (typeof room === "string") rooms.add(room);
  else for (const r of room) rooms.add(r);
  return rooms;
}

/** A socket that `fetchSockets()` found, on this server or another. */
export interface FetchedSocket<EmitEvents extends EventsMap, SocketData> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: ReadonlySet<Room>;
  readonly data: SocketData;
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: BroadcastEmitArgs<EmitEvents, Ev>): boolean;
  timeout(ms: number): TimedEmitter<EmitEvents>;
  join(rooms: Room | readonly Room[]): unknown;
  leave(room: Room): unknown;
  disconnect(close?: boolean): unknown;
}

/** Emits to one socket with an ack deadline. */
export interface TimedEmitter<EmitEvents extends EventsMap> {
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: TimedSocketEmitArgs<EmitEvents, Ev>): boolean;
  emitWithAck<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: EmitWithAckArgs<EmitEvents, Ev>
  ): Promise<EmitWithAckResult<EmitEvents, Ev>>;
}

/**
 * A broadcast target. `Timed` is true once `timeout(ms)` was set: only then may an emit
 * ask for acknowledgements (each recipient's answer is collected into one list).
 */
export class BroadcastOperator<EmitEvents extends EventsMap, SocketData, Timed extends boolean = false> {
  /** @internal */
  constructor(
    private readonly host: BroadcastHost,
    private readonly rooms: ReadonlySet<Room> = EMPTY,
    private readonly exceptRooms: ReadonlySet<Room> = EMPTY,
    private readonly flags: BroadcastFlags = {},
  ) {}

  /** Targets a room (or several); a socket in several targeted rooms receives once. */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return new BroadcastOperator(this.host, addRooms(this.rooms, room), this.exceptRooms, this.flags);
  }

  /** Same as {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return this.to(room);
  }

  /** Leaves out the sockets of a room (or several). */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return new BroadcastOperator(this.host, this.rooms, addRooms(this.exceptRooms, room), this.flags);
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return new BroadcastOperator(this.host, this.rooms, this.exceptRooms, { ...this.flags, compress });
  }

  /** The packet may be dropped for clients that cannot take it right now. */
  get volatile(): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return new BroadcastOperator(this.host, this.rooms, this.exceptRooms, { ...this.flags, volatile: true });
  }

  /** Only this server's sockets (matters with a multi-server adapter). */
  get local(): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return new BroadcastOperator(this.host, this.rooms, this.exceptRooms, { ...this.flags, local: true });
  }

  /** Collect acknowledgements for `ms` milliseconds; the ack callback gets `(err, responses)`. */
  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData, true> {
    if (!(ms >= 0)) throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${ms}`);
    return new BroadcastOperator(this.host, this.rooms, this.exceptRooms, { ...this.flags, timeout: ms });
  }

  /**
   * Emits to every targeted socket. With `timeout()`, a function as last argument receives
   * `(err, responses)`: `err` is null when every recipient answered in time. Throws at once
   * for a reserved event name, for an ack without `timeout()`, and for a value that cannot
   * be encoded.
   */
  emit<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: Timed extends true ? TimedBroadcastEmitArgs<EmitEvents, Ev> : BroadcastEmitArgs<EmitEvents, Ev>
  ): boolean {
    return this._emit(ev, args as readonly unknown[]);
  }

  /**
   * Emits and resolves with every recipient's answer (needs `timeout()`). Rejects with an
   * error carrying the answers received so far in `responses` when some did not come.
   */
  emitWithAck<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: Timed extends true ? EmitWithAckArgs<EmitEvents, Ev> : never
  ): Promise<BroadcastWithAckResult<EmitEvents, Ev>> {
    return this._emitWithAck(ev, args as readonly unknown[]) as Promise<BroadcastWithAckResult<EmitEvents, Ev>>;
  }

  /** @internal Untyped emit shared by the typed fronts. */
  _emit(ev: string, args: readonly unknown[]): boolean {
    assertEmittable(ev);
    const last = args[args.length - 1];
    const opts: BroadcastOptions = { rooms: this.rooms, except: this.exceptRooms, flags: this.flags };
    if (typeof last !== "function") {
      this.host.adapter.broadcast({ type: PacketType.EVENT, nsp: this.host.name, data: [ev, ...args] }, opts);
      return true;
    }
    const timeout = this.flags.timeout;
    if (timeout === undefined) {
      throw new Error("a broadcast with an acknowledgement needs a deadline: use .timeout(ms).emit(...)");
    }
    const data: unknown[] = [ev];
    for (let i = 0; i < args.length - 1; i++) data.push(args[i]);
    this.collectAcks(data, opts, timeout, last as (...a: unknown[]) => unknown);
    return true;
  }

  /** @internal */
  _emitWithAck(ev: string, args: readonly unknown[]): Promise<unknown> {
    let settle!: (err: AckTimeoutError | null, responses: unknown) => void;
    const promise = new Promise<unknown>((resolve, reject) => {
      settle = (err, responses) => {
        if (err === null) resolve(responses);
        else {
          if (Array.isArray(responses)) err.responses = responses;
          reject(err);
        }
      };
    });
    // Outside the executor so that local misuse throws at once instead of rejecting.
    this._emit(ev, [...args, settle]);
    return promise;
  }

  private collectAcks(
    data: unknown[],
    opts: BroadcastOptions,
    timeout: number,
    ack: (...a: unknown[]) => unknown,
  ): void {
    const { adapter, _timers: timers, _report: report } = this.host;
    const single = this.flags.expectSingleResponse === true;
    const responses: unknown[] = [];
    let expectedClients = 0;
    let reportedServers = 0;
    let servers = -1;
    let done = false;

    const finish = (err: Error | null): void => {
      done = true;
      timers.cancel(timer);
      if (typeof release === "function") release();
      callUser(report, undefined, ack, undefined, [err, single ? (err === null ? responses[0] : null) : responses]);
    };
    const check = (): void => {
      if (!done && servers === reportedServers && responses.length >= expectedClients) finish(null);
    };

    // Throws (encode error) before anything is armed.
    const release = adapter.broadcastWithAck(
      { type: PacketType.EVENT, nsp: this.host.name, data },
      opts,
      (clientCount) => {
        expectedClients += clientCount;
        reportedServers++;
        check();
      },
      (...answer: unknown[]) => {
        if (done) return;
        responses.push(answer[0]);
        check();
      },
    );
    const timer = timers.set(timeout, () => {
      if (!done) finish(new Error("operation has timed out"));
    });
    // Always settles after this emit returned, even when no client was targeted.
    Promise.resolve(adapter.serverCount()).then(
      (count) => {
        servers = count;
        check();
      },
      (error: unknown) => safeReport(report, error, undefined),
    );
  }

  /** Ids of the targeted sockets (socket.io's `allSockets`, deprecated there in favour of fetchSockets). */
  allSockets(): Promise<Set<SocketId>> {
    return this.host.adapter.sockets(this.rooms);
  }

  /** The targeted sockets: local `Socket`s, or `RemoteSocket`s for other servers' sockets. */
  async fetchSockets(): Promise<FetchedSocket<EmitEvents, SocketData>[]> {
    const found = await this.host.adapter.fetchSockets(this.options());
    return found.map((socket) =>
      isLocal(socket)
        ? (socket as unknown as FetchedSocket<EmitEvents, SocketData>)
        : new RemoteSocket<EmitEvents, SocketData>(this.host, socket),
    );
  }

  /** Makes the targeted sockets join `room`. */
  socketsJoin(room: Room | readonly Room[]): void {
    this.host.adapter.addSockets(this.options(), typeof room === "string" ? [room] : room);
  }

  /** Makes the targeted sockets leave `room`. */
  socketsLeave(room: Room | readonly Room[]): void {
    this.host.adapter.delSockets(this.options(), typeof room === "string" ? [room] : room);
  }

  /** Disconnects the targeted sockets; `close` also closes their Engine.IO connections. */
  disconnectSockets(close = false): void {
    this.host.adapter.disconnectSockets(this.options(), close);
  }

  private options(): BroadcastOptions {
    return { rooms: this.rooms, except: this.exceptRooms, flags: this.flags };
  }
}

function isLocal(socket: AdapterSocket | RemoteSocketDetails): socket is AdapterSocket {
  return typeof (socket as Partial<AdapterSocket>)._deliver === "function";
}

/** A socket of another server, as `fetchSockets()` returns it: emits and room changes go through the adapter. */
export class RemoteSocket<EmitEvents extends EventsMap, SocketData> implements FetchedSocket<EmitEvents, SocketData> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: ReadonlySet<Room>;
  readonly data: SocketData;
  private readonly operator: BroadcastOperator<EmitEvents, SocketData>;

  /** @internal */
  constructor(host: BroadcastHost, details: RemoteSocketDetails) {
    this.id = details.id;
    this.handshake = details.handshake;
    this.rooms = new Set(details.rooms);
    this.data = details.data as SocketData;
    this.operator = new BroadcastOperator(host, new Set([this.id]), EMPTY, { expectSingleResponse: true });
  }

  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: BroadcastEmitArgs<EmitEvents, Ev>): boolean {
    return this.operator._emit(ev, args as readonly unknown[]);
  }

  timeout(ms: number): TimedEmitter<EmitEvents> {
    const operator = this.operator.timeout(ms);
    return {
      emit(ev, ...args) {
        return operator._emit(ev, args as readonly unknown[]);
      },
      emitWithAck<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EmitWithAckArgs<EmitEvents, Ev>) {
        return operator._emitWithAck(ev, args as readonly unknown[]) as Promise<EmitWithAckResult<EmitEvents, Ev>>;
      },
    };
  }

  join(rooms: Room | readonly Room[]): void {
    this.operator.socketsJoin(rooms);
  }

  leave(room: Room): void {
    this.operator.socketsLeave(room);
  }

  disconnect(close = false): this {
    this.operator.disconnectSockets(close);
    return this;
  }
}
