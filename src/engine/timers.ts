import type { Clock } from "./contract.js";

/** A pending deadline; pass it to `Timers.cancel`. */
export interface TimerHandle {
  /** @internal position in the heap, -1 once fired or cancelled */
  index: number;
  /** @internal (moved by `reset`) */
  at: number;
  /** @internal */
  seq: number;
  /** @internal called with `target` as `this` */
  readonly fire: (this: never) => void;
  /** @internal */
  readonly target: unknown;
}

/**
 * Every deadline of the core (heartbeats, upgrade and connect timeouts, ack timeouts) in
 * one indexed min-heap, so the shim needs exactly one runtime timer: after each change of
 * the earliest deadline the clock's `schedule(at)` is told, and the shim calls `tick()`.
 * Cancel is O(log n) and removes the entry, so churn leaves nothing behind.
 */
export class Timers {
  private heap: TimerHandle[] = [];
  private seq = 0;
  private scheduled: number | undefined;
  private ticking = false;

  constructor(private clock: Clock) {}

  /** Swaps the clock (a shim attaching a real one) and re-announces the earliest deadline. */
  useClock(clock: Clock): void {
    this.clock = clock;
    this.scheduled = undefined;
    this.announce();
  }

  now(): number {
    return this.clock.now();
  }

  /** Number of pending deadlines (for tests and leak checks). */
  get size(): number {
    return this.heap.length;
  }

  /**
   * Calls `fire` once `delay` ms from now, unless cancelled first; with `target`, as its
   * method (`this` is `target`), so that an object with a deadline of its own for its whole
   * life (a session's heartbeat) needs no closure for it.
   */
  set(delay: number, fire: () => void): TimerHandle;
  set<T>(delay: number, fire: (this: T) => void, target: T): TimerHandle;
  set(delay: number, fire: (this: never) => void, target?: unknown): TimerHandle {
    const handle: TimerHandle = { index: this.heap.length, at: this.clock.now() + delay, seq: this.seq++, fire, target };
    this.heap.push(handle);
    this.up(handle.index);
    this.announce();
    return handle;
  }

  /**
   * Moves `handle` (pending, fired or cancelled) to `delay` ms from now, as a cancel and a new
   * `set` with the same function would, and returns it. An object that re-arms one deadline
   * all its life (a session's heartbeat) keeps one handle instead of leaving one behind per
   * arm: on a heap that never moves objects, short-lived garbage among long-lived sessions is
   * what fragments it.
   */
  reset(handle: TimerHandle, delay: number): TimerHandle {
    if (handle.index >= 0) this.removeAt(handle.index);
    handle.at = this.clock.now() + delay;
    handle.seq = this.seq++;
    handle.index = this.heap.length;
    this.heap.push(handle);
    this.up(handle.index);
    this.announce();
    return handle;
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined || handle.index < 0) return;
    this.removeAt(handle.index);
    this.announce();
  }

  /** Fires every deadline that is due, earliest first, then asks for the next wake-up. */
  tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.clock.now();
      for (;;) {
        const top = this.heap[0];
        if (top === undefined || top.at > now) break;
        this.removeAt(0);
        (top.fire as (this: unknown) => void).call(top.target);
      }
    } finally {
      this.ticking = false;
    }
    this.scheduled = undefined;
    this.announce();
  }

  private announce(): void {
    if (this.ticking) return;
    const at = this.heap[0]?.at;
    if (at === this.scheduled) return;
    this.scheduled = at;
    this.clock.schedule(at);
  }

  private removeAt(index: number): void {
    const heap = this.heap;
    const removed = heap[index]!;
    removed.index = -1;
    const last = heap.pop()!;
    if (index < heap.length) {
      heap[index] = last;
      last.index = index;
      this.down(index);
      this.up(last.index);
    }
  }

  private less(a: TimerHandle, b: TimerHandle): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const item = heap[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!this.less(item, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = item;
    item.index = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = heap[l]!;
      let childIndex = l;
      if (r < n && this.less(heap[r]!, child)) {
        child = heap[r]!;
        childIndex = r;
      }
      if (!this.less(child, item)) break;
      heap[i] = child;
      child.index = i;
      i = childIndex;
    }
    heap[i] = item;
    item.index = i;
  }
}

/** A clock for code that has not been attached to a runtime yet: time stands still. */
export function stoppedClock(): Clock {
  return { now: () => 0, schedule: () => {} };
}
