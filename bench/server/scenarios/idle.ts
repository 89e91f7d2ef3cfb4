// Idle memory: open N connections (each joined to the main namespace), force a GC in the
// server and read its heap and RSS; grow to the next count, read again; then close all
// and check the heap returns to where it started (no leak).
//
// The starting level is taken after a warm-up of 200 connections opened and closed, so
// that what a server allocates once on first use (JIT code, pools, shapes) is not
// charged to connections. For unio (every server with --leak-check-all) two more cycles
// of the largest count are opened and closed: what they leave on top of the first, per
// cycle, is the leak per connection (one-time growth does not repeat, a leak does).

import { join } from "node:path";
import type { ServerStats } from "../control-protocol.js";
import { compareSnapshots } from "../heap-snapshot.js";
import { closeAll, connectMany, type SioClient } from "../load/sio-client.js";
import type { BenchOptions } from "../options.js";
import type { ServerProcess } from "../server-process.js";
import { sleep } from "../stats.js";
import type { Column, Metrics, Scenario } from "./scenario.js";

const WARM_CONNECTIONS = 200;
const CONCURRENCY = 100;

function columns(options: BenchOptions): Column[] {
  const perCount = options.idleCounts.flatMap((n) => [
    { key: `heap@${n}`, header: `heap KB/conn @${n}`, digits: 2 },
    { key: `rss@${n}`, header: `RSS KB/conn @${n}`, digits: 2 },
  ]);
  return [
    ...perCount,
    { key: "residual", header: "heap Δ after close KB", digits: 0 },
    { key: "leak", header: "leak B/conn", digits: 1 },
    { key: "base", header: "start heap MB", digits: 1 },
  ];
}

export const idleScenario: Scenario = {
  name: "idle",
  title: (o) => `idle memory (${o.idleCounts.join(" and ")} connections, after a forced GC; then all closed)`,
  polling: false,
  repeats: (o) => o.idleRepeats,
  columns,
  ratios: (o) => o.idleCounts.flatMap((n) => [`heap@${n}`, `rss@${n}`]),
  async run({ server, options }) {
    const warm = await connectMany(options.client, server.port, WARM_CONNECTIONS, CONCURRENCY);
    closeAll(warm);
    await server.waitLive(0, 30_000);
    await sleep(300);
    const snapshots = options.heapSnapshotDir;
    const snapshotFile = (what: string): string => join(snapshots!, `${server.spec.name}-${process.pid}-${what}.heapsnapshot`);
    const base = await server.stats(true);
    if (snapshots) await server.heapSnapshot(snapshotFile("before"));
    const metrics: Metrics = { base: base.heapBytes / 1e6 };
    const clients: SioClient[] = [];
    try {
      for (const count of options.idleCounts) {
        clients.push(...(await connectMany(options.client, server.port, count - clients.length, CONCURRENCY)));
        await sleep(300);
        const stats = await server.stats(true);
        if (stats.live !== count) throw new Error(`expected ${count} live connections, the server has ${stats.live}`);
        metrics[`heap@${count}`] = (stats.heapBytes - base.heapBytes) / count / 1024;
        metrics[`rss@${count}`] = (stats.rssBytes - base.rssBytes) / count / 1024;
        if (snapshots && count === options.idleCounts[0]) {
          await server.heapSnapshot(snapshotFile(`with-${count}`));
          heapReports.push(compareSnapshots(server.spec.label, snapshotFile("before"), snapshotFile(`with-${count}`), count));
        }
      }
    } finally {
      closeAll(clients);
    }
    const largest = clients.length;
    const afterFirst = await closedLevel(server);
    metrics["residual"] = (afterFirst.heapBytes - base.heapBytes) / 1024;
    if (server.spec.role === "unio" || options.leakCheckAll) {
      // Two more open/close cycles: one-time growth (pools, tables grown to size) stays put,
      // a leak grows again by the same amount each time. The growth over both, halved: one
      // cycle's reading moved by ±30 B/conn from run to run (where the forced GC left the
      // heap), enough to cross the 64 B target once with no leak behind it.
      let last = afterFirst;
      for (let cycle = 0; cycle < 2; cycle++) {
        closeAll(await connectMany(options.client, server.port, largest, CONCURRENCY));
        last = await closedLevel(server);
      }
      metrics["leak"] = (last.heapBytes - afterFirst.heapBytes) / (2 * largest);
    }
    return metrics;
  },
};

/** Heap-snapshot comparisons made during the run (printed at the end). */
export const heapReports: string[] = [];

/** Waits until every connection is gone, then forces a GC and reads the heap. */
async function closedLevel(server: ServerProcess): Promise<ServerStats> {
  await server.waitLive(0, 60_000);
  await sleep(500);
  return server.stats(true);
}
