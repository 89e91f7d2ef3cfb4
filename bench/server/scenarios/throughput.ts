// Turns a measured span into the usual throughput metrics.

import type { Span } from "../measure.js";
import { LatencyRecorder } from "../stats.js";
import type { Metrics } from "./scenario.js";

/** A payload like an application's: a small object with a number and a string. */
export const PAYLOAD = '{"n":1234,"s":"the quick brown fox jumps over the lazy dog"}';

export function throughputMetrics(span: Span, ops: number, latencies: LatencyRecorder): Metrics {
  if (ops === 0) throw new Error("no operation completed in the measured span");
  const [p50, p99] = latencies.percentiles(50, 99);
  return {
    cpu: span.serverCpuMicros / ops,
    rate: (ops * 1000) / span.wallMs,
    p50: p50!,
    p99: p99!,
    lgcpu: span.loadCpuMicros / ops,
  };
}
