// The core's only source of time on Node: `Date.now()` and one `setTimeout` that is re-armed
// to whatever deadline the core last asked for, and calls `tick()` when it is due.

import type { Clock } from "../../src/engine/contract.js";

/** setTimeout's longest delay; a later deadline wakes up early and is simply re-asked for. */
const MAX_DELAY = 2 ** 31 - 1;

export interface NodeClock extends Clock {
  /** Cancels the pending wake-up for good (shutdown). */
  stop(): void;
}

export function nodeClock(tick: () => void): NodeClock {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedAt: number | undefined;
  let stopped = false;

  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    armedAt = undefined;
  };

  return {
    now: () => Date.now(),
    schedule(at) {
      if (stopped || at === armedAt) return;
      cancel();
      if (at === undefined) return;
      armedAt = at;
      timer = setTimeout(
        () => {
          timer = undefined;
          armedAt = undefined;
          tick();
        },
        Math.min(Math.max(0, at - Date.now()), MAX_DELAY),
      );
      // The core's deadlines alone must not keep the process alive.
      timer.unref();
    },
    stop() {
      stopped = true;
      cancel();
    },
  };
}
