// The acknowledgements a socket waits for from its client, by ack id.
//
// Three kinds of entry: a plain callback (`socket.emit(..., cb)`: called with the answer,
// never with an error), a deadline-bound one (`socket.timeout(ms).emit(..., cb)`: called
// with `(null, ...answer)`, or with an error when the deadline passes or the socket goes),
// and a broadcast's collector (one answer of many; the broadcast keeps its own deadline).
// A table exists only while a socket has something pending.

import type { TimerHandle, Timers } from "../engine/timers.js";
import type { AnyFunction } from "./typed-events.js";

/** A callback waiting under `timeout()`, with its deadline. */
class TimedAck {
  constructor(
    readonly fn: AnyFunction,
    public timer: TimerHandle | undefined,
  ) {}
}

type Entry = AnyFunction | TimedAck;

/** How the table calls application callbacks (guarded by the socket). */
export type AckInvoker = (fn: AnyFunction, args: readonly unknown[]) => void;

export class PendingAcks {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly timers: Timers,
    private readonly invoke: AckInvoker,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Waits for answer `id`; with `timeout`, fails the callback with "operation has timed out" after it. */
  add(id: number, fn: AnyFunction, timeout: number | undefined): void {
    if (timeout === undefined) {
      this.entries.set(id, fn);
      return;
    }
    const entry = new TimedAck(fn, undefined);
    entry.timer = this.timers.set(timeout, () => {
      if (this.entries.get(id) !== entry) return;
      this.entries.delete(id);
      this.invoke(fn, [new Error("operation has timed out")]);
    });
    this.entries.set(id, entry);
  }

  /** Waits for answer `id` on behalf of a broadcast (which keeps the deadline itself). */
  addCollector(id: number, onResponse: AnyFunction): void {
    this.entries.set(id, onResponse);
  }

  /** Stops waiting for `id` if `onResponse` still owns it. */
  forget(id: number, onResponse: AnyFunction): void {
    if (this.entries.get(id) === onResponse) this.entries.delete(id);
  }

  /** The client answered `id` with `args` (mutated: a timed callback gets `null` first). */
  answer(id: number, args: unknown[]): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    if (entry instanceof TimedAck) {
      this.timers.cancel(entry.timer);
      args.unshift(null);
      this.invoke(entry.fn, args);
    } else {
      this.invoke(entry, args);
    }
  }

  /** The socket is gone: deadline-bound callbacks fail with `error` now; the others are dropped. */
  failAll(error: Error): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      if (!(entry instanceof TimedAck)) continue;
      this.timers.cancel(entry.timer);
      this.invoke(entry.fn, [error]);
    }
  }
}
