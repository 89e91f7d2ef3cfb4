// Markdown tables: one per scenario (medians, ratios against the runtime's reference
// server and its raw ceiling) and one for the targets.

import type { BenchOptions } from "./options.js";
import type { Results } from "./results.js";
import type { Scenario } from "./scenarios/scenario.js";
import { SERVERS, type Runtime, type ServerSpec } from "./servers.js";

export function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "—";
  if (digits === 0 && Math.abs(value) >= 10000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(digits);
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? ` ${"-".repeat(width)} ` : ` ${"-".repeat(width - 1)}: `)).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

function peer(runtime: Runtime, role: "reference" | "ceiling"): ServerSpec | undefined {
  return SERVERS.find((spec) => spec.runtime === runtime && spec.role === role);
}

export function scenarioTable(scenario: Scenario, results: Results, options: BenchOptions): string {
  const cells = results.cellsOf(scenario.name);
  const columns = scenario.columns(options);
  const ratios = scenario.ratios(options);
  const ratioLabel = (key: string, against: string): string => (ratios.length === 1 ? `×${against}` : `${key} ×${against}`);
  const headers = [
    "server",
    ...columns.map((column) => column.header),
    ...ratios.flatMap((key) => [ratioLabel(key, "ref"), ratioLabel(key, "ceiling")]),
    "runs",
  ];
  const rows = cells.map((cell) => {
    const value = (key: string, name = cell.spec.name): number => results.median(scenario.name, name, key);
    const ratio = (key: string, against: ServerSpec | undefined): string =>
      against && against.name !== cell.spec.name ? format(value(key) / value(key, against.name), 2) : "—";
    const reference = peer(cell.spec.runtime, "reference");
    const ceiling = peer(cell.spec.runtime, "ceiling");
    return [
      cell.spec.label,
      ...columns.map((column) => format(value(column.key), column.digits)),
      ...ratios.flatMap((key) => [ratio(key, reference), ratio(key, ceiling)]),
      `${cell.runs.length}${cell.errors.length > 0 ? ` (${cell.errors.length} failed)` : ""}`,
    ];
  });
  const title = `### ${scenario.title(options)} — median of ${scenario.repeats?.(options) ?? options.repeats}`;
  const note = "×ref: against socket.io on the same runtime (Node: socket.io; Bun: socket.io + bun-engine); ×ceiling: against the raw WebSocket server on the same runtime.";
  return `${title}\n\n${table(headers, rows)}\n\n${note}`;
}
