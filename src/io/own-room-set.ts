// A socket's own rooms while it is in its own room alone: a Set that holds its one member in a
// field and makes real Set storage only when it is first needed.
//
// Why: every connected socket is in the room named by its id, and most sockets are in no
// other, so the adapter keeps one `{id}` set per socket (shared by its two maps). On JSC a Set
// with one member costs some 240 bytes of hash-table storage, an empty Set without storage a
// few dozen; this set stays in the second form until it changes or is walked.
//
// Rules this class keeps, so that it stays a Set to everyone who holds it:
// - It is an `instanceof Set` whose `constructor` is `Set`, and keeps its identity for life
//   (`socket.rooms` is one live set).
// - While compact (one member in a private field, the real storage empty): `has`, `size`,
//   `add` of that member and `delete`/`clear` answer from the field. Deleting the member or
//   clearing leaves a real, empty Set: still no storage.
// - Anything else first materializes (the member goes into the real storage) and then is the
//   plain Set method: `add` of another member, every iteration (`keys`, `values`, `entries`,
//   `forEach`, `for…of`, spread), and the ES2025 methods (`union`, `isSubsetOf`, …) called on
//   it, which read a receiver's storage directly. So iterating, even while the set changes,
//   is exactly a Set's. Passed as the ARGUMENT of those methods, it is read through `size`,
//   `has` and `keys`, which are its own.
// - Runtime inspectors (`console.log`) read a Set's storage directly: the inspect hook
//   materializes first, so a logged set shows its member.
// What cannot see it: functions that read the storage without calling a method (a
// `structuredClone` or `postMessage` of a compact set, `Set.prototype.has.call(set, x)`) see
// an empty set. The library's own code walks these sets through `membersOf`, which never
// materializes.

/** The member field's value once the storage is real. */
const REAL: unique symbol = Symbol("real set storage");

/** SameValueZero, a Set's equality: NaN equals NaN, +0 equals -0. */
function same(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

export class OwnRoomSet<T> extends Set<T> {
  /**
   * The one member while compact; `REAL` once the members live in the Set's own storage.
   * (Private: an inspector shows no field beside the members.)
   */
  #only: T | typeof REAL;

  constructor(member: T) {
    super();
    this.#only = member;
  }

  /** @internal Whether the member is still held in the field (no real storage yet). */
  get compact(): boolean {
    return this.#only !== REAL;
  }

  override has(value: T): boolean {
    const only = this.#only;
    return only === REAL ? super.has(value) : same(value, only);
  }

  override get size(): number {
    return this.#only === REAL ? super.size : 1;
  }

  override add(value: T): this {
    const only = this.#only;
    if (only !== REAL) {
      if (same(value, only)) return this;
      this.materialize();
    }
    return super.add(value);
  }

  override delete(value: T): boolean {
    const only = this.#only;
    if (only === REAL) return super.delete(value);
    if (!same(value, only)) return false;
    this.#only = REAL; // real and empty: still no storage
    return true;
  }

  override clear(): void {
    if (this.#only !== REAL) this.#only = REAL;
    else super.clear();
  }

  override forEach(callback: (value: T, key: T, set: Set<T>) => void, thisArg?: unknown): void {
    this.materialize();
    super.forEach(callback, thisArg);
  }

  override keys(): SetIterator<T> {
    this.materialize();
    return super.keys();
  }

  override values(): SetIterator<T> {
    this.materialize();
    return super.values();
  }

  override entries(): SetIterator<[T, T]> {
    this.materialize();
    return super.entries();
  }

  override [Symbol.iterator](): SetIterator<T> {
    this.materialize();
    return super.values();
  }

  /** @internal Moves the member into the Set's own storage (from then on this is a plain Set). */
  materialize(): void {
    const only = this.#only;
    if (only === REAL) return;
    this.#only = REAL;
    super.add(only);
  }

  /**
   * @internal The members to walk without materializing: a one-item array while compact, else
   * the set itself (see `membersOf`).
   */
  _members(): Iterable<T> {
    const only = this.#only;
    return only === REAL ? this : [only];
  }
}

// `constructor` reads `Set`, as on the set socket.io keeps (deep-equality helpers compare it).
Object.defineProperty(OwnRoomSet.prototype, "constructor", { value: Set, writable: true, configurable: true });

// The ES2025 Set methods read their receiver's storage directly: materialize first. Installed
// only where the runtime has them, as own methods of this prototype.
const RECEIVER_METHODS = [
  "union",
  "intersection",
  "difference",
  "symmetricDifference",
  "isSubsetOf",
  "isSupersetOf",
  "isDisjointFrom",
] as const;

for (const name of RECEIVER_METHODS) {
  const original: unknown = Reflect.get(Set.prototype, name);
  if (typeof original !== "function") continue;
  const method = original as (this: Set<unknown>, other: unknown) => unknown;
  Object.defineProperty(OwnRoomSet.prototype, name, {
    value: {
      [name](this: OwnRoomSet<unknown>, other: unknown): unknown {
        this.materialize();
        return method.call(this, other);
      },
    }[name],
    writable: true,
    configurable: true,
  });
}

// The runtimes' inspectors call this hook (when the object has it) before they read a Set's
// storage: returning the set itself lets them print it as usual, now with its member.
Object.defineProperty(OwnRoomSet.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspect(this: OwnRoomSet<unknown>): OwnRoomSet<unknown> {
    this.materialize();
    return this;
  },
  writable: true,
  configurable: true,
});

/**
 * `set`'s members to walk without materializing it: a compact own-room set gives a one-item
 * array, any other set itself. For the library's own loops (broadcasts, disconnects).
 */
export function membersOf<T>(set: ReadonlySet<T>): Iterable<T> {
  return set instanceof OwnRoomSet ? (set as OwnRoomSet<T>)._members() : set;
}
