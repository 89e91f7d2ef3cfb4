// The core's one wake-up as the Durable Object's one alarm. Every deadline of every session
// (heartbeats, upgrade and connect timeouts, ack timeouts) lives in the core's heap; the heap
// announces its earliest deadline, and that becomes `ctx.storage.setAlarm()`. The alarm
// survives hibernation and eviction, so an object with only idle WebSockets sleeps until the
// next heartbeat is due, and `alarm()` runs `engine.tick()`, which pings every due socket in
// one wake.
//
// The window. Deadlines are rounded UP to a multiple of `window` ms before they become the
// alarm, so sockets whose heartbeats fall within one window share one wake instead of waking
// the object one after another; every deadline fires at most `window` ms late. A socket
// pinged in a wake answers within the round trip, its next ping lands in the same window
// again, so the sockets stay grouped. Repeating the alarm already set costs nothing: only a
// change is written to storage.

import type { Clock } from "../../src/engine/contract.js";
import type { DurableObjectStorage } from "./workerd.js";

export interface AlarmClock extends Clock {
  /** The alarm fired (and is gone from storage): the next `schedule` must set it again. */
  fired(): void;
  /** This clock's object state was dropped: ignore its schedules from now on. */
  dispose(): void;
}

export function alarmClock(storage: DurableObjectStorage, window: number): AlarmClock {
  /** The alarm this clock last set; `null` when unknown (after a wake or a firing). */
  let current: number | undefined | null = null;
  let disposed = false;
  return {
    now: () => Date.now(),
    schedule(at: number | undefined): void {
      if (disposed) return;
      const target = at === undefined || window <= 0 ? at : Math.ceil(at / window) * window;
      if (target === current) return;
      current = target;
      const written = target === undefined ? storage.deleteAlarm() : storage.setAlarm(target);
      written.catch((error: unknown) => console.error("unio: could not set the Durable Object alarm", error));
    },
    fired(): void {
      current = null;
    },
    dispose(): void {
      disposed = true;
    },
  };
}
