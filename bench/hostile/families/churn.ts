// Churn: connections opened and closed over and over (websocket-only and polling with the
// upgrade, through the official client), each with one ack. Afterwards the server must
// hold no session, socket or deadline, and its memory must be back near the start.

import { io } from "socket.io-client";
import { megabytes } from "../control-protocol.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { pool, sleep } from "../family.js";

async function cycle(url: string, websocketOnly: boolean): Promise<boolean> {
  const socket = io(url, { forceNew: true, reconnection: false, transports: websocketOnly ? ["websocket"] : ["polling", "websocket"], timeout: 5000 });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return (await socket.timeout(5000).emitWithAck("echo", 1)) === 1;
  } catch {
    return false;
  } finally {
    socket.disconnect();
  }
}

export const churn: Family = {
  name: "churn",
  title: "Connect/ack/disconnect churn over both transports (1000 cycles)",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const n = Math.max(50, Math.round(1000 * ctx.options.scale));
    const before = await ctx.target.stats(true);
    const results = await pool(n, 20, (i) => cycle(ctx.target.url, i % 2 === 0));
    await sleep(2000); // the last closes land
    const after = await ctx.target.stats(true);
    const ok = results.filter(Boolean).length;
    const clean = after.sessions === 0 && after.sockets === 0 && (after.timers ?? 0) === 0;
    return {
      answer: `${ok}/${n} ok, ${clean ? "nothing left" : `left: ${after.sessions} sessions`}`,
      asExpected: ok === n && clean,
      details: [
        `${n} cycles, ${ok} acked`,
        `before: sessions ${before.sessions}, sockets ${before.sockets}, timers ${before.timers ?? "n/a"}; after: sessions ${after.sessions}, sockets ${after.sockets}, timers ${after.timers ?? "n/a"}, namespaces ${after.namespaces}`,
        `heap ${megabytes(before, "heapBytes", 1)} → ${megabytes(after, "heapBytes", 1)} MB, RSS ${megabytes(before, "rssBytes")} → ${megabytes(after, "rssBytes")} MB`,
      ],
      crashes: ctx.target.exited === undefined ? 0 : 1,
    };
  },
};
