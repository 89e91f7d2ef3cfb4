// What every attack family looks like to the runner.

import type { Target } from "./targets.js";

export interface HostileOptions {
  /** Seconds the slow-connection family waits for the server to drop half-open connections. */
  readonly holdSeconds: number;
  /** Scale of the bounded loops (1 = the defaults). */
  readonly scale: number;
}

export interface AttackContext {
  /** The server under attack; replaced by `restart()`. */
  readonly target: Target;
  readonly options: HostileOptions;
  /** Starts a fresh server of the same kind after a crash (the family may go on with it). */
  restart(): Promise<Target>;
  log(line: string): void;
}

export interface FamilyResult {
  /** The server's answers in a few words, for the table ("21/21 RFC close codes"). */
  readonly answer: string;
  /** Every answer was the protocol's (a 4xx, a close code the RFC names, a CONNECT_ERROR…). */
  readonly asExpected: boolean;
  /** One line per case, printed under the table. */
  readonly details: readonly string[];
  /** Times the server process died during the family. */
  readonly crashes: number;
  /** The server's RSS while the attack's connections were still open, if the family measured it. */
  readonly peakRssBytes?: number;
}

export interface Family {
  readonly name: string;
  readonly title: string;
  run(ctx: AttackContext): Promise<FamilyResult>;
}

/** Waits `ms` (the hostile client may sleep: it is not a protocol test). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** Counts equal strings: "close 1002 ×18, open ×3". */
export function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => (n === 1 ? v : `${v} ×${n}`)).join(", ");
}
