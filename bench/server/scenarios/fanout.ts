// Room fan-out: M members join one room; one shouter (not a member) keeps W broadcasts in
// flight: `42["shout",X]` → `42["news",X]` to every member. A broadcast completes when
// the last member has it; its latency is shout → last delivery. CPU is per delivery.

import { ClosedLoop, measureSpan } from "../measure.js";
import { closeAll, connectMany, SioClient } from "../load/sio-client.js";
import { LatencyRecorder } from "../stats.js";
import type { Column, Scenario } from "./scenario.js";

const RING = 64;
const TEXT = "the quick brown fox jumps over the lazy dog";

/** The broadcast's sequence number from `42["news",{"n":<seq>,…`. */
function sequenceOf(text: string): number {
  let i = text.indexOf('"n":') + 4;
  let seq = 0;
  for (; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) break;
    seq = seq * 10 + digit;
  }
  return seq;
}

function fanoutRound(shouter: SioClient, members: readonly SioClient[], window: number, durationMs: number, latencies: LatencyRecorder): Promise<number> {
  const loop = new ClosedLoop(durationMs, latencies);
  const received = new Uint32Array(RING);
  const sentAt = new Float64Array(RING);
  let seq = 0;
  const shout = (): void => {
    const slot = seq % RING;
    received[slot] = 0;
    sentAt[slot] = performance.now();
    loop.issued();
    shouter.send(`42["shout",{"n":${seq++},"s":"${TEXT}"}]`);
  };
  const count = members.length;
  const fail = (): void => loop.fail(new Error("a client connection closed during the run"));
  for (const member of members) {
    member.onEvent = (text) => {
      const slot = sequenceOf(text) % RING;
      if (++received[slot]! === count && loop.completed(performance.now() - sentAt[slot]!)) shout();
    };
    member.onClosed = fail;
  }
  shouter.onClosed = fail;
  return loop.run(() => {
    for (let i = 0; i < window; i++) shout();
  }).then(() => loop.ops);
}

/** Every member joins the room; resolves when all joins are acknowledged. */
async function joinAll(members: readonly SioClient[]): Promise<void> {
  await Promise.all(
    members.map(
      (member) =>
        new Promise<void>((resolve) => {
          member.onAck = () => resolve();
          member.send('420["join","room"]');
        }),
    ),
  );
}

const columns: Column[] = [
  { key: "cpu", header: "srv µs/delivery", digits: 2 },
  { key: "rate", header: "deliveries/s", digits: 0 },
  { key: "p50", header: "p50 ms/bcast", digits: 2 },
  { key: "p99", header: "p99 ms/bcast", digits: 2 },
  { key: "lgcpu", header: "lg µs/delivery", digits: 2 },
];

export const fanoutScenario: Scenario = {
  name: "fanout",
  title: (o) => `room fan-out (${o.fanoutMembers} members, 1 shouter, ${o.fanoutWindow} broadcasts in flight)`,
  polling: false,
  columns: () => columns,
  ratios: () => ["cpu"],
  async run({ server, options }) {
    const members = await connectMany(options.client, server.port, options.fanoutMembers, 100);
    let shouter: SioClient | undefined;
    try {
      shouter = await SioClient.connect(options.client, server.port);
      await joinAll(members);
      await fanoutRound(shouter, members, options.fanoutWindow, options.warmupMs, new LatencyRecorder());
      const latencies = new LatencyRecorder();
      const { span, value: broadcasts } = await measureSpan(server, async () => ({
        value: await fanoutRound(shouter!, members, options.fanoutWindow, options.durationMs, latencies),
      }));
      if (broadcasts === 0) throw new Error("no broadcast completed");
      const deliveries = broadcasts * members.length;
      const [p50, p99] = latencies.percentiles(50, 99);
      return {
        cpu: span.serverCpuMicros / deliveries,
        rate: (deliveries * 1000) / span.wallMs,
        p50: p50!,
        p99: p99!,
        lgcpu: span.loadCpuMicros / deliveries,
      };
    } finally {
      closeAll(members);
      shouter?.close();
    }
  },
};
