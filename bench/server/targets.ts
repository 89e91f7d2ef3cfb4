// The targets, checked against the medians of one run.

import { format, table } from "./report.js";
import type { Results } from "./results.js";
import type { BenchOptions } from "./options.js";

interface RatioTarget {
  readonly kind: "ratio";
  readonly text: string;
  readonly scenario: string;
  readonly metric: (options: BenchOptions) => string;
  readonly server: string;
  readonly against: string;
  readonly limit: number;
}

interface LeakTarget {
  readonly kind: "leak";
  readonly text: string;
  readonly server: string;
}

type Target = RatioTarget | LeakTarget;

/**
 * Heap each further open/close cycle leaves per connection (two cycles' growth, halved).
 * One cycle's reading moved by about ±30 B/conn with nothing leaking (and read 83 once);
 * anything a closed connection really kept (a socket, a map entry with its id) is 100 B or more.
 */
const LEAK_ALLOWANCE_BYTES = 64;

const largest = (options: BenchOptions): number => options.idleCounts[options.idleCounts.length - 1]!;

const TARGETS: readonly Target[] = [
  { kind: "ratio", text: "Node: ack CPU per round-trip ≤ 0.35× socket.io", scenario: "ack", metric: () => "cpu", server: "unio", against: "socketio", limit: 0.35 },
  { kind: "ratio", text: "Node: ping/pong CPU per round-trip ≤ 0.35× socket.io", scenario: "pingpong", metric: () => "cpu", server: "unio", against: "socketio", limit: 0.35 },
  { kind: "ratio", text: "Node: fan-out CPU per delivery ≤ 0.3× socket.io", scenario: "fanout", metric: () => "cpu", server: "unio", against: "socketio", limit: 0.3 },
  ...[0, 1].map(
    (index): RatioTarget => ({
      kind: "ratio",
      text: `Node: heap per idle connection ≤ 0.4× socket.io (${index === 0 ? "smaller" : "larger"} count)`,
      scenario: "idle",
      metric: (o) => `heap@${o.idleCounts[Math.min(index, o.idleCounts.length - 1)]!}`,
      server: "unio",
      against: "socketio",
      limit: 0.4,
    }),
  ),
  { kind: "ratio", text: "Node: handshake CPU ≤ 0.8× socket.io (one at a time)", scenario: "connect-seq", metric: () => "cpu", server: "unio", against: "socketio", limit: 0.8 },
  { kind: "ratio", text: "Node: handshake CPU ≤ 0.8× socket.io (concurrent)", scenario: "connect-conc", metric: () => "cpu", server: "unio", against: "socketio", limit: 0.8 },
  { kind: "ratio", text: "Node: polling CPU per round-trip ≤ 1× socket.io", scenario: "polling", metric: () => "cpu", server: "unio", against: "socketio", limit: 1 },
  { kind: "leak", text: `Node: no heap left per connection once closed (≤ ${LEAK_ALLOWANCE_BYTES} B/conn)`, server: "unio" },
  { kind: "ratio", text: "Bun: ack CPU per round-trip ≤ 0.6× bun-engine", scenario: "ack", metric: () => "cpu", server: "unio-bun", against: "bunengine", limit: 0.6 },
  { kind: "ratio", text: "Bun: fan-out CPU per delivery ≤ 0.25× bun-engine", scenario: "fanout", metric: () => "cpu", server: "unio-bun", against: "bunengine", limit: 0.25 },
  { kind: "ratio", text: "Bun: RSS per idle connection ≤ 0.4× bun-engine", scenario: "idle", metric: (o) => `rss@${largest(o)}`, server: "unio-bun", against: "bunengine", limit: 0.4 },
];

/**
 * The heap is "back to its starting level" when a second cycle of the largest count,
 * opened and closed, leaves no more than the noise allowance per connection on top of
 * what the first cycle left (one-time growth does not repeat; a leak does).
 */
export function leakVerdict(results: Results, server: string, options: BenchOptions): { measured: string; holds: boolean | undefined } {
  const leak = results.median("idle", server, "leak");
  const residualKb = results.median("idle", server, "residual");
  if (!Number.isFinite(leak)) return { measured: "—", holds: undefined };
  return {
    measured: `${format(leak, 1)} B/conn per ${largest(options)}-connection cycle (first cycle left ${format(residualKb, 0)} KB)`,
    holds: leak <= LEAK_ALLOWANCE_BYTES,
  };
}

export function targetsTable(results: Results, options: BenchOptions): string {
  const rows = TARGETS.map((target) => {
    if (target.kind === "leak") {
      const { measured, holds } = leakVerdict(results, target.server, options);
      return [target.text, measured, verdict(holds)];
    }
    const metric = target.metric(options);
    const ratio = results.median(target.scenario, target.server, metric) / results.median(target.scenario, target.against, metric);
    return [target.text, Number.isFinite(ratio) ? `${format(ratio, 2)}×` : "—", verdict(Number.isFinite(ratio) ? ratio <= target.limit : undefined)];
  });
  return `### Targets\n\n${table(["target", "measured", "verdict"], rows)}`;
}

function verdict(holds: boolean | undefined): string {
  return holds === undefined ? "not measured" : holds ? "holds" : "MISSES";
}
