// The object's one alarm: deadlines rounded up to the window, only changes written, and a
// fired alarm set again even when the next deadline rounds to the same time.
import { describe, expect, it } from "vitest";
import { alarmClock } from "../../runtimes/cloudflare/alarm-clock.js";
import type { DurableObjectStorage } from "../../runtimes/cloudflare/workerd.js";

function fakeStorage(): { storage: DurableObjectStorage; calls: string[] } {
  const calls: string[] = [];
  const storage: DurableObjectStorage = {
    get: () => Promise.resolve(new Map()),
    put: () => Promise.resolve(),
    delete: () => Promise.resolve(0),
    getAlarm: () => Promise.resolve(null),
    setAlarm: (at) => {
      calls.push(`set ${at}`);
      return Promise.resolve();
    },
    deleteAlarm: () => {
      calls.push("delete");
      return Promise.resolve();
    },
  };
  return { storage, calls };
}

describe("alarmClock", () => {
  it("rounds each deadline up to the window and writes only changes", () => {
    const { storage, calls } = fakeStorage();
    const clock = alarmClock(storage, 1000);
    clock.schedule(25_001);
    clock.schedule(25_999); // same window: nothing to write
    clock.schedule(26_000);
    clock.schedule(26_001);
    clock.schedule(undefined);
    clock.schedule(undefined);
    expect(calls).toEqual(["set 26000", "set 27000", "delete"]);
  });

  it("uses exact deadlines with a window of 0", () => {
    const { storage, calls } = fakeStorage();
    const clock = alarmClock(storage, 0);
    clock.schedule(25_001);
    clock.schedule(25_002);
    expect(calls).toEqual(["set 25001", "set 25002"]);
  });

  it("sets the alarm again after it fired, even for the same time", () => {
    const { storage, calls } = fakeStorage();
    const clock = alarmClock(storage, 100);
    clock.schedule(950);
    clock.fired();
    clock.schedule(950);
    expect(calls).toEqual(["set 1000", "set 1000"]);
  });

  it("ignores schedules once disposed (a dropped server must not move the alarm)", () => {
    const { storage, calls } = fakeStorage();
    const clock = alarmClock(storage, 100);
    clock.dispose();
    clock.schedule(950);
    expect(calls).toEqual([]);
  });
});
