// Ack round-trips: N clients, each keeping K acks in flight: `42<id>["ack",X]` → `43<id>[X]`.

import { ClosedLoop, measureSpan } from "../measure.js";
import { closeAll, connectMany, type SioClient } from "../load/sio-client.js";
import { LatencyRecorder } from "../stats.js";
import { throughputColumns, type Scenario } from "./scenario.js";
import { PAYLOAD, throughputMetrics } from "./throughput.js";

/** In-flight ids index a ring of send times; at most 15 are in flight. */
const RING = 16;
/** An ack is `43<id>[<payload>]`. */
const EXPECTED_TAIL = `[${PAYLOAD}]`;
const EXPECTED_LENGTH = 2 + EXPECTED_TAIL.length;

function ackRound(clients: readonly SioClient[], inFlight: number, durationMs: number, latencies: LatencyRecorder): Promise<number> {
  const loop = new ClosedLoop(durationMs, latencies);
  const starters: (() => void)[] = [];
  for (const client of clients) {
    const sentAt = new Float64Array(RING);
    let nextId = 0;
    const send = (): void => {
      const id = nextId++;
      sentAt[id % RING] = performance.now();
      loop.issued();
      client.send(`42${id}["ack",${PAYLOAD}]`);
    };
    client.onAck = (id, text) => {
      // Checked, not trusted: a server answering the wrong id or payload fails the run.
      if (text.length !== EXPECTED_LENGTH + String(id).length || !text.endsWith(EXPECTED_TAIL)) {
        loop.fail(new Error(`unexpected ack ${text.slice(0, 80)}`));
        return;
      }
      if (loop.completed(performance.now() - sentAt[id % RING]!)) send();
    };
    client.onClosed = () => loop.fail(new Error("a client connection closed during the run"));
    starters.push(() => {
      for (let i = 0; i < inFlight; i++) send();
    });
  }
  return loop.run(() => starters.forEach((start) => start())).then(() => loop.ops);
}

export const ackScenario: Scenario = {
  name: "ack",
  title: (o) => `ack round-trips (${o.ackClients} clients × ${o.ackInFlight} in flight)`,
  polling: false,
  columns: () => throughputColumns("ack"),
  ratios: () => ["cpu"],
  async run({ server, options }) {
    const clients = await connectMany(options.client, server.port, options.ackClients, 50);
    try {
      await ackRound(clients, options.ackInFlight, options.warmupMs, new LatencyRecorder());
      const latencies = new LatencyRecorder();
      const { span, value: ops } = await measureSpan(server, async () => ({ value: await ackRound(clients, options.ackInFlight, options.durationMs, latencies) }));
      return throughputMetrics(span, ops, latencies);
    } finally {
      closeAll(clients);
    }
  },
};
