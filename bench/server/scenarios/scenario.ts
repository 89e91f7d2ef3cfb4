// What a scenario is: a load run against one fresh server process, giving named metrics.

import type { BenchOptions } from "../options.js";
import type { ServerProcess } from "../server-process.js";

export type Metrics = Record<string, number>;

export interface Column {
  readonly key: string;
  readonly header: string;
  readonly digits: number;
}

export interface ScenarioContext {
  readonly server: ServerProcess;
  readonly options: BenchOptions;
}

export interface Scenario {
  readonly name: string;
  title(options: BenchOptions): string;
  /** Needs HTTP long-polling (so not the raw ceilings). */
  readonly polling: boolean;
  /** Repeats, when not `options.repeats`. */
  readonly repeats?: (options: BenchOptions) => number;
  columns(options: BenchOptions): readonly Column[];
  /** Metrics that get ratio columns (against the reference and the ceiling); lower is better. */
  ratios(options: BenchOptions): readonly string[];
  run(context: ScenarioContext): Promise<Metrics>;
}

/** The usual columns of a throughput scenario. */
export function throughputColumns(unit: string): Column[] {
  return [
    { key: "cpu", header: `srv µs/${unit}`, digits: 2 },
    { key: "rate", header: `${unit}/s`, digits: 0 },
    { key: "p50", header: "p50 ms", digits: 2 },
    { key: "p99", header: "p99 ms", digits: 2 },
    { key: "lgcpu", header: `lg µs/${unit}`, digits: 2 },
  ];
}
