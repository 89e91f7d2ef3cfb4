/** Any function type; listener maps are keyed by event name. */
// biome-ignore lint: the widest function type is the point here
export type Listener = (...args: never[]) => unknown;

/**
 * Up to this many event names live in one flat array; past it a Map takes over, so that a
 * registry with many names still finds one in constant time.
 */
const FLAT_LIMIT = 8;

/**
 * A minimal typed listener registry, used by composition (never inheritance) so that the
 * objects users see keep socket.io's `on`/`emit` meaning without emitter internals leaking
 * into the protocol's reserved names. Listeners are copied on dispatch so that one removing
 * itself (`once`) does not skip the next.
 *
 * Memory: every connected socket holds one of these with its application's handlers, so the
 * layout is the cheapest that stays fast: nothing until the first `on`, then one flat array
 * `[event, listeners, event, listeners, …]` where `listeners` is the function itself while an
 * event has one (the usual case) and an array from the second on. A Map with a one-element
 * array per event costs about three times as much for the same five handlers.
 */
export class Listeners<Events extends { [K in keyof Events]: Listener }> {
  private store: Array<unknown> | Map<keyof Events, Slot> | undefined;

  on<K extends keyof Events>(event: K, fn: Events[K]): void {
    this.add(event, fn, false);
  }

  prepend<K extends keyof Events>(event: K, fn: Events[K]): void {
    this.add(event, fn, true);
  }

  /** Removes one registration of `fn`, or every listener of `event` when `fn` is omitted. */
  off<K extends keyof Events>(event: K, fn?: Events[K]): void {
    const slot = this.slot(event);
    if (slot === undefined) return;
    if (fn === undefined || slot === fn) {
      this.remove(event);
      return;
    }
    if (typeof slot === "function") return;
    const i = slot.lastIndexOf(fn);
    if (i < 0) return;
    slot.splice(i, 1);
    if (slot.length === 0) this.remove(event);
    else if (slot.length === 1) this.put(event, slot[0]!);
  }

  clear(): void {
    this.store = undefined;
  }

  has<K extends keyof Events>(event: K): boolean {
    return this.slot(event) !== undefined;
  }

  /** A copy of the listeners of `event`, in order (safe to iterate while they change). */
  get<K extends keyof Events>(event: K): Events[K][] {
    const slot = this.slot(event);
    if (slot === undefined) return [];
    return (typeof slot === "function" ? [slot] : slot.slice()) as Events[K][];
  }

  /**
   * The listeners of `event` for one dispatch without copying a single one: the function
   * itself, a copy of several, or undefined.
   */
  current<K extends keyof Events>(event: K): Events[K] | Events[K][] | undefined {
    const slot = this.slot(event);
    if (slot === undefined || typeof slot === "function") return slot as Events[K] | undefined;
    return slot.slice() as Events[K][];
  }

  count<K extends keyof Events>(event: K): number {
    const slot = this.slot(event);
    return slot === undefined ? 0 : typeof slot === "function" ? 1 : slot.length;
  }

  /** Calls every listener of `event` in order; returns whether one was called. */
  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): boolean {
    const slot = this.slot(event);
    if (slot === undefined) return false;
    if (typeof slot === "function") {
      (slot as (...a: Parameters<Events[K]>) => unknown)(...args);
      return true;
    }
    for (const fn of slot.slice()) (fn as (...a: Parameters<Events[K]>) => unknown)(...args);
    return true;
  }

  // ── storage ─────────────────────────────────────────────────────────────────────────

  private add(event: keyof Events, fn: Listener, first: boolean): void {
    const slot = this.slot(event);
    if (slot === undefined) this.put(event, fn);
    else if (typeof slot === "function") this.put(event, first ? [fn, slot] : [slot, fn]);
    else if (first) slot.unshift(fn);
    else slot.push(fn);
  }

  private slot(event: keyof Events): Slot | undefined {
    const store = this.store;
    if (store === undefined) return undefined;
    if (!Array.isArray(store)) return store.get(event);
    for (let i = 0; i < store.length; i += 2) if (store[i] === event) return store[i + 1] as Slot;
    return undefined;
  }

  private put(event: keyof Events, slot: Slot): void {
    const store = this.store;
    if (store === undefined) {
      this.store = [event, slot];
      return;
    }
    if (!Array.isArray(store)) {
      store.set(event, slot);
      return;
    }
    for (let i = 0; i < store.length; i += 2) {
      if (store[i] === event) {
        store[i + 1] = slot;
        return;
      }
    }
    if (store.length < FLAT_LIMIT * 2) {
      // A new array of the exact size (push would leave room for about eight more entries).
      this.store = store.concat([event, slot]);
      return;
    }
    const map = new Map<keyof Events, Slot>();
    for (let i = 0; i < store.length; i += 2) map.set(store[i] as keyof Events, store[i + 1] as Slot);
    map.set(event, slot);
    this.store = map;
  }

  private remove(event: keyof Events): void {
    const store = this.store;
    if (store === undefined) return;
    if (!Array.isArray(store)) {
      store.delete(event);
      return;
    }
    for (let i = 0; i < store.length; i += 2) {
      if (store[i] === event) {
        store.splice(i, 2);
        if (store.length === 0) this.store = undefined;
        return;
      }
    }
  }
}

/** One event's listeners: the function while there is one, else the list in order. */
type Slot = Listener | Listener[];
