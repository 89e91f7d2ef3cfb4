// What a websocket client can make the server hold: frames that announce a large payload
// and send one byte (does the server reserve the announced size?), and a flood of pings
// from a client that never reads the pongs (does the server queue them without bound?).

import { frame, RawWs } from "../clients/raw-ws.js";
import { measured, megabytes, type MemoryFigure, type ServerStats } from "../control-protocol.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { pool, sleep } from "../family.js";

const MB = 1024 * 1024;

/** MB grown from `from` to `to`; undefined when the server did not measure `figure`. */
function growth(from: ServerStats, to: ServerStats, figure: MemoryFigure): number | undefined {
  return measured(figure, from, to) ? (to[figure] - from[figure]) / MB : undefined;
}

/** "+3", "-1" or "n/a". */
function signed(mb: number | undefined): string {
  return mb === undefined ? "n/a" : `${mb >= 0 ? "+" : ""}${mb.toFixed(0)}`;
}

export const wsMemory: Family = {
  name: "ws-memory",
  title: "Memory a websocket client can pin: partial 1 MB frames, a ping flood without reading",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const port = ctx.target.port;
    const details: string[] = [];
    const base = await ctx.target.stats(true);

    // 1. 200 connections, each announcing a 1,000,000-byte binary frame and sending 1 byte.
    const n = Math.max(10, Math.round(200 * ctx.options.scale));
    const partial = await pool(n, 20, async () => {
      const { ws } = await RawWs.joined(port);
      const claim = 1_000_000;
      ws.raw(Buffer.from([0x82, 0xff, 0, 0, 0, 0, (claim >>> 24) & 255, (claim >>> 16) & 255, (claim >>> 8) & 255, claim & 255, 1, 2, 3, 4, 9]));
      return ws;
    });
    await sleep(1000);
    const pinned = await ctx.target.stats(true);
    for (const ws of partial) ws.destroy();
    await sleep(1000);
    const rssPinned = growth(base, pinned, "rssBytes");
    const external = growth(base, pinned, "externalBytes");
    const perFrame = rssPinned === undefined ? "n/a" : ((rssPinned * MB) / n / 1024).toFixed(0);
    details.push(
      `${n} frames announcing 1 MB, 1 byte sent each (${n * 15} bytes in all): ArrayBuffers ${signed(external)} MB, RSS ${signed(rssPinned)} MB while held (${perFrame} KB per connection; reserved pages count in RSS only once written)`,
    );

    // 2. One client sends 40 MB of pings and reads nothing.
    const before = await ctx.target.stats(true);
    const { ws } = await RawWs.joined(port);
    ws.heartbeat = false;
    ws.stopReading();
    const ping = frame(0x89, Buffer.alloc(125, 0x61));
    const batch = Buffer.concat(Array.from({ length: 1000 }, () => ping)); // 131 KB
    const total = Math.round(40 * ctx.options.scale) * MB;
    let sent = 0;
    let stalled = false;
    while (sent < total && !ws.ended) {
      if (!ws.raw(batch)) {
        // The server stopped reading us (or the socket is gone): wait a little, then give up.
        const drained = await Promise.race([
          new Promise<boolean>((resolve) => ws.socket.once("drain", () => resolve(true))),
          sleep(3000).then(() => false),
        ]);
        if (!drained) {
          stalled = true;
          break;
        }
      }
      sent += batch.length;
    }
    await sleep(1000);
    const flooded = await ctx.target.stats(true);
    const open = !ws.ended && (await ctx.target.stats(false)).sessions > 0;
    ws.destroy();
    const floodMb = growth(before, flooded, "rssBytes");
    details.push(
      `ping flood without reading: ${(sent / MB).toFixed(0)} MB of pings sent${stalled ? " (the server stopped reading them)" : ""}, RSS ${signed(floodMb)} MB, connection ${open ? "still open" : "closed"}`,
    );
    await sleep(1000);
    const after = await ctx.target.stats(true);
    details.push(`after all of it: RSS ${megabytes(after, "rssBytes")} MB (started at ${megabytes(base, "rssBytes")} MB)`);
    const pinnedMb = rssPinned === undefined && external === undefined ? undefined : Math.max(external ?? 0, rssPinned ?? 0);
    // What was not measured cannot fail the bound (the answer says "n/a").
    return {
      answer: `partial frames ${signed(pinnedMb)} MB reserved, ping flood ${signed(floodMb)} MB RSS`,
      asExpected: (pinnedMb ?? 0) < 50 && (floodMb ?? 0) < 20,
      details,
      crashes: ctx.target.exited === undefined ? 0 : 1,
      ...(measured("rssBytes", pinned, flooded) ? { peakRssBytes: Math.max(pinned.rssBytes, flooded.rssBytes) } : {}),
    };
  },
};
