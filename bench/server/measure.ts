// How one measured span is taken, the same for every scenario:
//
//   1. the load is quiescent (warm-up finished and drained);
//   2. the server reads its CPU clock (start mark);
//   3. the scenario runs and drains: every operation it started has completed, so each
//      operation counted lies wholly inside the span;
//   4. the server reads its CPU clock again (end mark).
//
// Server CPU per operation = (end − start) / operations. Only the server's own clock
// counts; the load generator's CPU over the same span is kept apart, to compare clients.
//
// No garbage collection is forced before the start mark. The warm-up ran the same load,
// so the span pays for collecting the warm-up's garbage as it would in steady state. A
// forced full collection instead left work behind on the runtime's background threads,
// which the span was charged for: on Node, 240 ms (unio) and 340 ms (socket.io) of CPU
// off the main thread over the next 5000 polling round trips, against 20 and 50 ms
// without it, which put 60–80 µs on each round trip.

import type { ServerStats } from "./control-protocol.js";
import type { ServerProcess } from "./server-process.js";

export interface Span {
  readonly serverCpuMicros: number;
  readonly loadCpuMicros: number;
  readonly wallMs: number;
  readonly start: ServerStats;
  readonly end: ServerStats;
}

/**
 * Measures `body`. It may hand back the end mark itself (when it had to poll the server
 * until connections closed); otherwise one is taken after it resolves.
 */
export async function measureSpan<T>(server: ServerProcess, body: () => Promise<{ value: T; end?: ServerStats }>): Promise<{ span: Span; value: T }> {
  const start = await server.stats(false);
  const loadStart = process.cpuUsage();
  const wallStart = performance.now();
  const result = await body();
  const wallMs = performance.now() - wallStart;
  const end = result.end ?? (await server.stats(false));
  const load = process.cpuUsage(loadStart);
  return {
    span: { serverCpuMicros: end.cpuMicros - start.cpuMicros, loadCpuMicros: load.user + load.system, wallMs, start, end },
    value: result.value,
  };
}

/**
 * A closed loop: each completed operation may start the next until the time is up; then
 * no more start and `run` resolves once the last outstanding one completes.
 */
export class ClosedLoop {
  ops = 0;
  private outstanding = 0;
  private stopped = false;
  private resolve: (() => void) | undefined;
  private reject: ((error: Error) => void) | undefined;

  constructor(
    private readonly durationMs: number,
    readonly latencies: { add(ms: number): void },
    private readonly drainTimeoutMs = 15_000,
  ) {}

  /** Call when an operation starts. */
  issued(): void {
    this.outstanding++;
  }

  /** Call when one completes; true when the caller should start another. */
  completed(latencyMs: number): boolean {
    this.outstanding--;
    this.ops++;
    this.latencies.add(latencyMs);
    if (!this.stopped) return true;
    if (this.outstanding === 0) this.resolve?.();
    return false;
  }

  fail(error: Error): void {
    this.reject?.(error);
  }

  /** `start` issues the first window of operations. */
  run(start: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let drainTimer: NodeJS.Timeout | undefined;
      const stopTimer = setTimeout(() => {
        this.stopped = true;
        if (this.outstanding === 0) this.resolve?.();
        drainTimer = setTimeout(() => this.fail(new Error(`${this.outstanding} operations still outstanding ${this.drainTimeoutMs} ms after the run`)), this.drainTimeoutMs);
      }, this.durationMs);
      const settle = (): void => {
        clearTimeout(stopTimer);
        clearTimeout(drainTimer);
        this.resolve = undefined;
        this.reject = undefined;
      };
      this.resolve = () => {
        settle();
        resolve();
      };
      this.reject = (error) => {
        settle();
        reject(error);
      };
      start();
    });
  }
}
