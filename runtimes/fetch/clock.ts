// The core's one wake-up on a runtime with `setTimeout`: `schedule(at)` replaces the single
// pending timer, and when it fires the core's `tick()` runs every deadline that is due.
// Time is the wall clock in epoch ms (`Date.now()`), the scale the core's handshake
// timestamps use.

import type { Clock } from "../../src/engine/contract.js";

/** Timers longer than this overflow to "fire now" in every runtime (2^31 - 1 ms). */
const MAX_DELAY = 0x7fffffff;

export function timerClock(tick: () => void): Clock {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = (): void => {
    timer = undefined;
    // A timer may fire a millisecond before `Date.now()` reaches the deadline: the core
    // then fires nothing and asks for the same deadline again, which re-arms us.
    tick();
  };
  return {
    now: () => Date.now(),
    schedule(at: number | undefined): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = at === undefined ? undefined : setTimeout(fire, Math.min(Math.max(at - Date.now(), 0), MAX_DELAY));
    },
  };
}
