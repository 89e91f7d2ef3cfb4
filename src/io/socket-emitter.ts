// `socket.timeout(5000)`, `socket.volatile`, `socket.compress(false)`: an immutable view of
// one socket with emit modifiers. The socket itself keeps no flags, so
// `socket.timeout(1000).emit(a)` followed by `socket.emit(b)` sends `b` without a deadline.

import type { Room } from "./adapter.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Socket } from "./socket.js";
import type {
  EmitWithAckArgs,
  EmitWithAckResult,
  EventNames,
  EventsMap,
  SocketEmitArgs,
  TimedSocketEmitArgs,
} from "./typed-events.js";

export interface SocketEmitFlags {
  readonly volatile?: boolean;
  readonly compress?: boolean;
  readonly timeout?: number;
}

export class SocketEmitter<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
  Timed extends boolean = false,
> {
  /** @internal */
  constructor(
    private readonly socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    private readonly flags: SocketEmitFlags,
  ) {}

  /** Sends an event to the client; under `timeout()` the ack callback gets `(err, ...answer)`. */
  emit<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: Timed extends true ? TimedSocketEmitArgs<EmitEvents, Ev> : SocketEmitArgs<EmitEvents, Ev>
  ): boolean {
    return this.socket._emit(ev, args as readonly unknown[], this.flags);
  }

  /** Resolves with the client's answer; under `timeout()` rejects when it does not come in time. */
  emitWithAck<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: EmitWithAckArgs<EmitEvents, Ev>
  ): Promise<EmitWithAckResult<EmitEvents, Ev>> {
    return this.socket._emitWithAck(ev, args as readonly unknown[], this.flags) as Promise<
      EmitWithAckResult<EmitEvents, Ev>
    >;
  }

  send(...args: SocketEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    this.socket._emit("message", args as readonly unknown[], this.flags);
    return this;
  }

  write(...args: SocketEmitArgs<EmitEvents, "message" & EventNames<EmitEvents>>): this {
    return this.send(...args);
  }

  timeout(ms: number): SocketEmitter<ListenEvents, EmitEvents, ServerSideEvents, SocketData, true> {
    if (!(ms >= 0)) throw new RangeError(`timeout must be a number of milliseconds >= 0, got ${ms}`);
    return new SocketEmitter(this.socket, { ...this.flags, timeout: ms });
  }

  get volatile(): SocketEmitter<ListenEvents, EmitEvents, ServerSideEvents, SocketData, Timed> {
    return new SocketEmitter(this.socket, { ...this.flags, volatile: true });
  }

  compress(compress: boolean): SocketEmitter<ListenEvents, EmitEvents, ServerSideEvents, SocketData, Timed> {
    return new SocketEmitter(this.socket, { ...this.flags, compress });
  }

  /** A broadcast leaving this socket out, with these modifiers. */
  get broadcast(): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return new BroadcastOperator(this.socket.nsp, undefined, new Set([this.socket.id]), this.flags);
  }

  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return this.broadcast.to(room);
  }

  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return this.broadcast.to(room);
  }

  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return this.broadcast.except(room);
  }

  get local(): BroadcastOperator<EmitEvents, SocketData, Timed> {
    return this.broadcast.local;
  }
}
