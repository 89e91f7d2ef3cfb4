// The responses a standalone server still owes when it closes. Closing the core answers
// every parked long poll at once, but those answers reach the runtime only a few microtasks
// later; stopping the listener first (Deno's abort signal, Bun's `stop(true)`) would cut
// them off, so clients would see a network error instead of the core's goodbye.

/** How long `close()` waits for owed responses before stopping regardless. */
export const SHUTDOWN_GRACE_MS = 1000;

export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** Remembers `response` until it settles (when it is a promise), and returns it. */
  track<T>(response: T): T {
    if (response instanceof Promise) {
      const pending: Promise<unknown> = response;
      this.pending.add(pending);
      const forget = (): void => void this.pending.delete(pending);
      pending.then(forget, forget);
    }
    return response;
  }

  /** Resolves true once every tracked response settled, or false after `graceMs`. */
  async settled(graceMs = SHUTDOWN_GRACE_MS): Promise<boolean> {
    if (this.pending.size === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const all = Promise.allSettled(this.pending).then(() => true);
    const done = await Promise.race([all, grace]);
    clearTimeout(timer);
    return done;
  }
}
