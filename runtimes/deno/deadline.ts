// A connection's one timer: at most one deadline pending at a time (the request head's, the
// keep-alive idle's, the linger after a closing answer), replaced when the connection changes
// phase, never re-armed per read. WebSocket connections keep none (the core's heartbeat is
// their liveness).

import { startTimer } from "../shared/clock.js";

export class Deadline<Kind extends string> {
  private pending: Kind | undefined = undefined;
  private cancel: (() => void) | undefined = undefined;

  constructor(
    /** Told which deadline passed. */
    private readonly owner: { expire(kind: Kind): void },
  ) {}

  /** The deadline pending, if any. */
  get armed(): Kind | undefined {
    return this.pending;
  }

  /** Replaces the pending deadline with `kind` in `ms`; 0 or Infinity: none. */
  arm(kind: Kind, ms: number): void {
    this.clear();
    if (!(ms > 0 && ms < Infinity)) return;
    this.pending = kind;
    this.cancel = startTimer(ms, () => {
      this.pending = undefined;
      this.cancel = undefined;
      this.owner.expire(kind);
    });
  }

  clear(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.pending = undefined;
  }
}
