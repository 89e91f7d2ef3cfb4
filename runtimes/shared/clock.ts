// The core's one wake-up on every runtime with `setTimeout` (Node, Deno, Bun): `schedule(at)`
// replaces the single pending timer, and when it fires the core's `tick()` runs every deadline
// that is due. Time is the wall clock in epoch ms (`Date.now()`), the scale the core's
// handshake timestamps use. Only `setTimeout`, `clearTimeout` and `Date.now` are touched, which
// every runtime has. (A Durable Object uses its alarm instead: runtimes/cloudflare.)

import type { Clock } from "../../src/engine/contract.js";

/** Timers longer than this overflow to "fire now" in every runtime (2^31 - 1 ms). */
const MAX_DELAY = 0x7fffffff;

export interface TimerClock extends Clock {
  /** Cancels the pending wake-up for good (shutdown): later `schedule` calls are ignored. */
  stop(): void;
}

export function timerClock(tick: () => void): TimerClock {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedAt: number | undefined;
  let stopped = false;

  const cancel = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    armedAt = undefined;
  };
  const fire = (): void => {
    timer = undefined;
    armedAt = undefined;
    // A timer may fire a millisecond before `Date.now()` reaches the deadline: the core then
    // fires nothing and asks for the same deadline again, which re-arms us.
    tick();
  };

  return {
    now: () => Date.now(),
    schedule(at: number | undefined): void {
      // A far deadline is cut to MAX_DELAY: the early wake-up fires nothing and asks again.
      if (stopped || at === armedAt) return;
      cancel();
      if (at === undefined) return;
      armedAt = at;
      timer = setTimeout(fire, Math.min(Math.max(0, at - Date.now()), MAX_DELAY));
      unref(timer);
    },
    stop(): void {
      stopped = true;
      cancel();
    },
  };
}

/** Starts a one-shot timer for a shim's own deadline (a request body's); returns its cancel. */
export type StartTimer = (ms: number, fire: () => void) => () => void;

/**
 * `StartTimer` on the runtime's `setTimeout`, for the deadlines a shim keeps outside the core
 * (the core has only the one `timerClock`). Such a timer keeps no process alive either.
 */
export const startTimer: StartTimer = (ms, fire) => {
  const timer = setTimeout(fire, Math.min(Math.max(0, ms), MAX_DELAY));
  unref(timer);
  return () => clearTimeout(timer);
};

/**
 * The core's deadlines alone must not keep a process alive: Node's and Bun's timer objects
 * can be told so. (Deno's `setTimeout` returns a number; its server keeps the process alive.)
 */
function unref(timer: unknown): void {
  const handle = timer as { unref?: unknown } | null;
  if (typeof handle === "object" && handle !== null && typeof handle.unref === "function") handle.unref();
}
