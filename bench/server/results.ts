// Measurements collected per scenario and server, and their medians.

import { median } from "./stats.js";
import type { Metrics } from "./scenarios/scenario.js";
import type { ServerSpec } from "./servers.js";

export interface Cell {
  readonly spec: ServerSpec;
  readonly runs: Metrics[];
  readonly errors: string[];
}

export class Results {
  /** scenario name → server name → cell */
  private readonly cells = new Map<string, Map<string, Cell>>();

  cell(scenario: string, spec: ServerSpec): Cell {
    let byServer = this.cells.get(scenario);
    if (!byServer) this.cells.set(scenario, (byServer = new Map()));
    let cell = byServer.get(spec.name);
    if (!cell) byServer.set(spec.name, (cell = { spec, runs: [], errors: [] }));
    return cell;
  }

  cellsOf(scenario: string): Cell[] {
    return [...(this.cells.get(scenario)?.values() ?? [])];
  }

  /** The median of one metric over the repeats; NaN when not measured. */
  median(scenario: string, serverName: string, key: string): number {
    const cell = this.cells.get(scenario)?.get(serverName);
    return cell ? median(cell.runs.map((run) => run[key] ?? Number.NaN)) : Number.NaN;
  }

  toJSON(): unknown {
    const out: Record<string, Record<string, { runs: Metrics[]; errors: string[] }>> = {};
    for (const [scenario, byServer] of this.cells) {
      out[scenario] = {};
      for (const [name, cell] of byServer) out[scenario]![name] = { runs: cell.runs, errors: cell.errors };
    }
    return out;
  }
}
