import type { Clock } from "../../src/engine/contract.js";

/**
 * A clock for tests: time moves only when the test says so. `advance(ms)` steps to each
 * deadline the core asked for on the way and calls the core's `tick` there, so timers fire
 * at exactly the time they would in production, in order.
 */
export class ManualClock implements Clock {
  time = 0;
  deadline: number | undefined;
  private onTick: (() => void) | undefined;

  now(): number {
    return this.time;
  }

  schedule(at: number | undefined): void {
    this.deadline = at;
  }

  /** Connects the clock to the core's tick (e.g. `clock.bind(() => engine.tick())`). */
  bind(tick: () => void): this {
    this.onTick = tick;
    return this;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const at = this.deadline;
      if (at === undefined || at > end) break;
      this.time = Math.max(this.time, at);
      this.deadline = undefined;
      this.onTick?.();
    }
    this.time = end;
  }
}
