// Command-line options of bench/server.bench.ts.

import type { ClientKind } from "./load/text-socket.js";

export interface BenchOptions {
  /** Scenario names to run (a name or a prefix: `connect` means both connect scenarios). */
  readonly only: readonly string[] | undefined;
  /** Server names, or `node`/`bun`/`deno` for a runtime's servers. */
  readonly servers: readonly string[] | undefined;
  /** Fresh server processes per scenario and server; the table shows medians. */
  readonly repeats: number;
  /** Measured span per repeat, ms. */
  readonly durationMs: number;
  /** Warm-up before the measured span, ms. */
  readonly warmupMs: number;
  /** The load generator's WebSocket client. */
  readonly client: ClientKind;
  readonly ackClients: number;
  readonly ackInFlight: number;
  readonly fanoutMembers: number;
  readonly fanoutWindow: number;
  readonly idleCounts: readonly number[];
  /** Repeats of the idle-memory scenario (its figures hardly move between runs). */
  readonly idleRepeats: number;
  /** Run the idle scenario's leak cycles on every server, not only unio. */
  readonly leakCheckAll: boolean;
  /** Write heap snapshots of the idle scenario here and print what a connection holds. */
  readonly heapSnapshotDir: string | undefined;
  readonly connectConcurrency: number;
  readonly pollingClients: number;
  /** Polling clients reuse their connections (a keep-alive http.Agent each). */
  readonly pollingKeepAlive: boolean;
  /** Warm-up of the polling scenario, longer than the others': see USAGE. */
  readonly pollingWarmupMs: number;
  /** Measured span of the handshake and polling scenarios, longer than the others': see USAGE. */
  readonly slowDurationMs: number;
  /** Write CPU profiles of the Node and Bun servers here and print their top frames. */
  readonly profileDir: string | undefined;
  /** Write every measurement as JSON here. */
  readonly jsonFile: string | undefined;
  readonly verbose: boolean;
}

export const USAGE = `usage: node scripts/run-ts.mjs bench/server.bench.ts [options]
  --only a,b          scenarios: ack, pingpong, fanout, idle, connect (= connect-seq, connect-conc), polling
  --servers a,b       unio, socketio, raw, unio-bun, bunengine, raw-bun, unio-deno, raw-deno; or node, bun, deno
  --repeats N         fresh server processes per scenario and server (default 5); tables show medians
  --duration MS       measured span per repeat (default 1000; handshakes and polling: --slow-duration)
  --slow-duration MS  measured span of the scenarios that run a few thousand operations a second,
                      connect-seq, connect-conc and polling (default 4000: over 1 s spans, which hold a
                      few thousand of their operations, their ratios moved from run to run between 0.69
                      and 0.81 (one at a time handshakes) and 0.75 and 1.17 (polling); over 4 s,
                      0.60–0.80 and 0.83–0.93)
  --warmup MS         warm-up before it (default 300)
  --client K          the load generator's WebSocket client: raw (node:net, a connection's frames of one
                      event-loop turn in one write; default), raw-each (one write per frame), ws
  --ack-clients N --ack-inflight N         (default 50 × 10; also used by pingpong)
  --fanout-members N --fanout-window N     (default 1000, 16 broadcasts in flight)
  --idle N,N          idle connection counts (default 2000,5000); all are closed again, and for unio two
                      more cycles of the largest count measure the leak per connection (their growth, halved)
  --idle-repeats N    repeats of the idle scenario (default 1: heap after a forced GC hardly varies)
  --leak-check-all    the leak cycles for every server, not only unio
  --heap-snapshots DIR  heap snapshots (Node, Bun) before and with the smaller idle count; prints
                      what one connection holds, by kind of object
  --connect-concurrency N                  (default 50)
  --polling-clients N                      (default 50)
  --polling-warmup MS                      warm-up of the polling scenario (default 2000: a polling round
                                           trip runs far more code, most of it Node's http, and the JIT
                                           compiling it in the measured span, on background threads the
                                           process's CPU time includes, moved the ratio by ±20%)
  --polling-agent keepalive|none           polling clients' HTTP agent (default keepalive; none = the
                                           Node client's default, a TCP connection per request)
  --profile DIR       --cpu-prof the Node and Bun servers into DIR and print their top frames
  --json FILE         write all measurements as JSON
  --verbose           show the servers' output`;

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer, got ${value}`);
  return n;
}

function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((part) => part.trim()).filter((part) => part !== "");
}

export function parseOptions(argv: readonly string[]): BenchOptions | "help" {
  let options: BenchOptions = {
    only: undefined,
    servers: undefined,
    repeats: 5,
    durationMs: 1000,
    slowDurationMs: 4000,
    warmupMs: 300,
    client: "raw",
    ackClients: 50,
    ackInFlight: 10,
    fanoutMembers: 1000,
    fanoutWindow: 16,
    idleCounts: [2000, 5000],
    idleRepeats: 1,
    leakCheckAll: false,
    heapSnapshotDir: undefined,
    connectConcurrency: 50,
    pollingClients: 50,
    pollingKeepAlive: true,
    pollingWarmupMs: 2000,
    profileDir: undefined,
    jsonFile: undefined,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const take = (): string | undefined => {
      i++;
      return value;
    };
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--only":
        options = { ...options, only: list(take()) };
        break;
      case "--servers":
        options = { ...options, servers: list(take()) };
        break;
      case "--repeats":
        options = { ...options, repeats: positive(flag, take()) };
        break;
      case "--duration":
        options = { ...options, durationMs: positive(flag, take()) };
        break;
      case "--warmup":
        options = { ...options, warmupMs: positive(flag, take()) };
        break;
      case "--client": {
        const client = take();
        if (client !== "raw" && client !== "raw-each" && client !== "ws") throw new Error("--client is raw, raw-each or ws");
        options = { ...options, client };
        break;
      }
      case "--ack-clients":
        options = { ...options, ackClients: positive(flag, take()) };
        break;
      case "--ack-inflight":
        options = { ...options, ackInFlight: Math.min(15, positive(flag, take())) };
        break;
      case "--fanout-members":
        options = { ...options, fanoutMembers: positive(flag, take()) };
        break;
      case "--fanout-window":
        options = { ...options, fanoutWindow: Math.min(63, positive(flag, take())) };
        break;
      case "--idle":
        options = { ...options, idleCounts: list(take()).map((part) => Math.min(15000, positive(flag, part))).sort((a, b) => a - b) };
        break;
      case "--idle-repeats":
        options = { ...options, idleRepeats: positive(flag, take()) };
        break;
      case "--leak-check-all":
        options = { ...options, leakCheckAll: true };
        break;
      case "--heap-snapshots":
        options = { ...options, heapSnapshotDir: take() };
        break;
      case "--connect-concurrency":
        options = { ...options, connectConcurrency: positive(flag, take()) };
        break;
      case "--polling-warmup":
        options = { ...options, pollingWarmupMs: positive(flag, take()) };
        break;
      case "--slow-duration":
        options = { ...options, slowDurationMs: positive(flag, take()) };
        break;
      case "--polling-clients":
        options = { ...options, pollingClients: positive(flag, take()) };
        break;
      case "--polling-agent": {
        const agent = take();
        if (agent !== "keepalive" && agent !== "none") throw new Error("--polling-agent is keepalive or none");
        options = { ...options, pollingKeepAlive: agent === "keepalive" };
        break;
      }
      case "--profile":
        options = { ...options, profileDir: take() };
        break;
      case "--json":
        options = { ...options, jsonFile: take() };
        break;
      case "--verbose":
        options = { ...options, verbose: true };
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}
