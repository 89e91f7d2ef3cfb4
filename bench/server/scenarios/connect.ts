// Connection rate: complete handshakes (WebSocket upgrade, `0{…}`, `40` → `40{"sid"}`)
// each followed by a clean close; one at a time, then W at a time. The span ends when
// the server has seen every connection close, so the close is paid for too. Latency is
// from the TCP connect to the `40{"sid"}`.

import { measureSpan } from "../measure.js";
import { SioClient } from "../load/sio-client.js";
import type { BenchOptions } from "../options.js";
import { LatencyRecorder } from "../stats.js";
import { throughputColumns, type Scenario, type ScenarioContext } from "./scenario.js";
import { throughputMetrics } from "./throughput.js";

async function handshakeRound(options: BenchOptions, port: number, workers: number, durationMs: number, latencies: LatencyRecorder): Promise<number> {
  let stopped = false;
  let ops = 0;
  const timer = setTimeout(() => {
    stopped = true;
  }, durationMs);
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const started = performance.now();
      const client = await SioClient.connect(options.client, port);
      latencies.add(performance.now() - started);
      ops++;
      client.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    clearTimeout(timer);
  }
  return ops;
}

async function run({ server, options }: ScenarioContext, workers: number) {
  await handshakeRound(options, server.port, workers, options.warmupMs, new LatencyRecorder());
  await server.waitLive(0, 30_000);
  const latencies = new LatencyRecorder();
  const { span, value: ops } = await measureSpan(server, async () => {
    const value = await handshakeRound(options, server.port, workers, options.slowDurationMs, latencies);
    return { value, end: await server.waitLive(0, 30_000) };
  });
  return throughputMetrics(span, ops, latencies);
}

export const connectSequentialScenario: Scenario = {
  name: "connect-seq",
  title: () => "handshakes, one at a time (connect, join `/`, close)",
  polling: false,
  columns: () => throughputColumns("hs"),
  ratios: () => ["cpu"],
  run: (context) => run(context, 1),
};

export const connectConcurrentScenario: Scenario = {
  name: "connect-conc",
  title: (o) => `handshakes, ${o.connectConcurrency} at a time (connect, join \`/\`, close)`,
  polling: false,
  columns: () => throughputColumns("hs"),
  ratios: () => ["cpu"],
  run: (context) => run(context, context.options.connectConcurrency),
};
