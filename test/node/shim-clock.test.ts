// The shims' clock (runtimes/shared/clock.ts, used by the Node shim): one setTimeout, re-armed
// to the core's latest deadline. These tests drive node's timers with vitest's fake clock,
// since the timer itself is what is under test.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { timerClock } from "../../runtimes/shared/clock.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("timerClock", () => {
  it("reads Date.now and ticks once at the asked deadline", () => {
    const ticks: number[] = [];
    const clock = timerClock(() => ticks.push(Date.now()));
    expect(clock.now()).toBe(1_000_000);
    clock.schedule(1_000_050);
    vi.advanceTimersByTime(49);
    expect(ticks).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ticks).toEqual([1_000_050]);
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual([1_000_050]);
  });

  it("keeps one timer: a new deadline replaces the old, undefined cancels", () => {
    const ticks: number[] = [];
    const clock = timerClock(() => ticks.push(Date.now()));
    clock.schedule(1_000_100);
    clock.schedule(1_000_020);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(200);
    expect(ticks).toEqual([1_000_020]);
    clock.schedule(1_000_300);
    clock.schedule(undefined);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(500);
    expect(ticks).toEqual([1_000_020]);
  });

  it("a past deadline ticks at once; the same deadline asked again after a tick re-arms", () => {
    const ticks: number[] = [];
    const clock = timerClock(() => ticks.push(Date.now()));
    clock.schedule(999_000);
    vi.advanceTimersByTime(0);
    expect(ticks).toEqual([1_000_000]);
    clock.schedule(999_000);
    expect(vi.getTimerCount()).toBe(1);
  });

  it("stop() cancels for good", () => {
    const ticks: number[] = [];
    const clock = timerClock(() => ticks.push(Date.now()));
    clock.schedule(1_000_010);
    clock.stop();
    clock.schedule(1_000_020);
    vi.advanceTimersByTime(100);
    expect(ticks).toEqual([]);
  });
});
