// Emit ping/pong: an event answered by an event, `42["ping",X]` → `42["pong",X]`, with the
// same clients and window as the ack scenario. Order is kept per connection, so each
// pong matches the oldest outstanding ping.

import { ClosedLoop, measureSpan } from "../measure.js";
import { closeAll, connectMany, type SioClient } from "../load/sio-client.js";
import { LatencyRecorder } from "../stats.js";
import { throughputColumns, type Scenario } from "./scenario.js";
import { PAYLOAD, throughputMetrics } from "./throughput.js";

const RING = 16;

function pingRound(clients: readonly SioClient[], inFlight: number, durationMs: number, latencies: LatencyRecorder): Promise<number> {
  const loop = new ClosedLoop(durationMs, latencies);
  const frame = `42["ping",${PAYLOAD}]`;
  const expected = `42["pong",${PAYLOAD}]`;
  const starters: (() => void)[] = [];
  for (const client of clients) {
    const sentAt = new Float64Array(RING);
    let head = 0;
    let tail = 0;
    const send = (): void => {
      sentAt[tail++ % RING] = performance.now();
      loop.issued();
      client.send(frame);
    };
    client.onEvent = (text) => {
      if (text !== expected) {
        loop.fail(new Error(`unexpected event ${text.slice(0, 80)}`));
        return;
      }
      if (loop.completed(performance.now() - sentAt[head++ % RING]!)) send();
    };
    client.onClosed = () => loop.fail(new Error("a client connection closed during the run"));
    starters.push(() => {
      for (let i = 0; i < inFlight; i++) send();
    });
  }
  return loop.run(() => starters.forEach((start) => start())).then(() => loop.ops);
}

export const pingPongScenario: Scenario = {
  name: "pingpong",
  title: (o) => `emit ping → pong (${o.ackClients} clients × ${o.ackInFlight} in flight)`,
  polling: false,
  columns: () => throughputColumns("rt"),
  ratios: () => ["cpu"],
  async run({ server, options }) {
    const clients = await connectMany(options.client, server.port, options.ackClients, 50);
    try {
      await pingRound(clients, options.ackInFlight, options.warmupMs, new LatencyRecorder());
      const latencies = new LatencyRecorder();
      const { span, value: ops } = await measureSpan(server, async () => ({ value: await pingRound(clients, options.ackInFlight, options.durationMs, latencies) }));
      return throughputMetrics(span, ops, latencies);
    } finally {
      closeAll(clients);
    }
  },
};
