/** Any function type; listener maps are keyed by event name. */
// biome-ignore lint: the widest function type is the point here
export type Listener = (...args: never[]) => unknown;

/**
 * A minimal typed listener registry, used by composition (never inheritance) so that the
 * objects users see keep socket.io's `on`/`emit` meaning without emitter internals leaking
 * into the protocol's reserved names. Listeners are copied on dispatch so that one removing
 * itself (`once`) does not skip the next. The map is created lazily: idle objects pay nothing.
 */
export class Listeners<Events extends { [K in keyof Events]: Listener }> {
  private map: Map<keyof Events, Events[keyof Events][]> | undefined;

  on<K extends keyof Events>(event: K, fn: Events[K]): void {
    const map = (this.map ??= new Map());
    const list = map.get(event);
    if (list === undefined) map.set(event, [fn]);
    else list.push(fn);
  }

  prepend<K extends keyof Events>(event: K, fn: Events[K]): void {
    const map = (this.map ??= new Map());
    const list = map.get(event);
    if (list === undefined) map.set(event, [fn]);
    else list.unshift(fn);
  }

  /** Removes one registration of `fn`, or every listener of `event` when `fn` is omitted. */
  off<K extends keyof Events>(event: K, fn?: Events[K]): void {
    const list = this.map?.get(event);
    if (list === undefined) return;
    if (fn === undefined) {
      this.map!.delete(event);
      return;
    }
    const i = list.lastIndexOf(fn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.map!.delete(event);
  }

  clear(): void {
    this.map = undefined;
  }

  has<K extends keyof Events>(event: K): boolean {
    return this.map?.has(event) ?? false;
  }

  get<K extends keyof Events>(event: K): readonly Events[K][] {
    return (this.map?.get(event) as Events[K][] | undefined) ?? [];
  }

  count<K extends keyof Events>(event: K): number {
    return this.map?.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event` in order; returns whether there was any. */
  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): boolean {
    const list = this.map?.get(event);
    if (list === undefined) return false;
    if (list.length === 1) {
      (list[0] as (...a: Parameters<Events[K]>) => unknown)(...args);
      return true;
    }
    for (const fn of list.slice()) (fn as (...a: Parameters<Events[K]>) => unknown)(...args);
    return true;
  }
}
