// What an attachment must let finish, or cut off, when it closes: its pending HTTP responses
// and its open WebSockets. Each is a collection that can be awaited until empty.

/** Waits until a collection is empty; subclasses say how many items they hold. */
abstract class Drainable<T> {
  private waiters: Array<() => void> = [];

  abstract readonly size: number;
  abstract items(): Iterable<T>;

  protected wakeIfEmpty(): void {
    if (this.size > 0 || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves true once empty, or false when `timeoutMs` passes first. */
  empty(timeoutMs?: number): Promise<boolean> {
    if (this.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/** Long-lived items (WebSocket peers): a plain Set. */
export class TrackedSet<T> extends Drainable<T> {
  private readonly set = new Set<T>();

  get size(): number {
    return this.set.size;
  }

  items(): Iterable<T> {
    return this.set;
  }

  add(item: T): void {
    this.set.add(item);
  }

  delete(item: T): void {
    if (this.set.delete(item)) this.wakeIfEmpty();
  }
}

/** Where a response keeps its slot in `PendingResponses`. */
const SLOT: unique symbol = Symbol("unio.response.slot");

type Slotted = object & { [SLOT]?: number | undefined };

/**
 * Short-lived items (HTTP responses, thousands a second) in reused array slots rather than a
 * Set: under load a Set's table is rebuilt again and again as it grows and shrinks, and V8
 * keeps a rebuilt table linked to the previous one, so finished responses were carried
 * through minor GCs into the old generation.
 */
export class PendingResponses<T extends Slotted> extends Drainable<T> {
  private readonly slots: Array<T | undefined> = [];
  private readonly free: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  *items(): Iterable<T> {
    for (const item of this.slots) if (item !== undefined) yield item;
  }

  add(item: T): void {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = item;
    item[SLOT] = slot;
    this.count += 1;
  }

  delete(item: T): void {
    const slot = item[SLOT];
    if (slot === undefined || this.slots[slot] !== item) return;
    this.slots[slot] = undefined;
    item[SLOT] = undefined;
    this.free.push(slot);
    this.count -= 1;
    this.wakeIfEmpty();
  }
}
