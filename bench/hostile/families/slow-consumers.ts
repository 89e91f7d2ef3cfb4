// Slow consumers: two clients join a room and stop reading — over websocket their TCP
// receive windows fill; over polling they stop sending GETs — while the server broadcasts
// to the room. The server must cut them once their buffered data passes its cap, instead
// of holding everything, and give the memory back.

import { http, pollingHandshake, pollingPath } from "../clients/raw-http.js";
import { RawWs } from "../clients/raw-ws.js";
import { measured, megabytes } from "../control-protocol.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { sleep } from "../family.js";

const MB = 1024 * 1024;

/** A member of room "r" that will not read again; `drop()` ends its connection. */
interface Member {
  drop(): void;
}

async function websocketMember(port: number): Promise<Member> {
  const { ws } = await RawWs.joined(port);
  ws.text('421["join","r"]');
  await ws.next((m) => m === "431[]", 5000);
  ws.stopReading();
  return { drop: () => ws.destroy() };
}

async function pollingMember(port: number): Promise<Member> {
  const sid = await pollingHandshake(port);
  // CONNECT first, on its own: the reference closes a connection whose CONNECT and first
  // event arrive in one payload (its namespace join completes a tick later).
  await http(port, "POST", pollingPath(sid), "40", { "content-type": "text/plain;charset=UTF-8" });
  await http(port, "GET", pollingPath(sid));
  await http(port, "POST", pollingPath(sid), '421["join","r"]', { "content-type": "text/plain;charset=UTF-8" });
  let seen = "";
  for (let i = 0; i < 3 && !seen.includes("431[]"); i++) seen += (await http(port, "GET", pollingPath(sid))).body;
  // From now on it never polls again; only its heartbeat (or a cap) can end it.
  return { drop: () => {} };
}

async function attack(ctx: AttackContext, transport: "websocket" | "polling"): Promise<{ cut: boolean; lines: string[]; peak?: number }> {
  const port = ctx.target.port;
  const count = Math.max(20, Math.round(400 * ctx.options.scale));
  const size = 256 * 1024;
  const join = transport === "websocket" ? websocketMember : pollingMember;
  const members = [await join(port), await join(port)];
  const { ws: blaster } = await RawWs.joined(port);
  const before = await ctx.target.stats(true);
  blaster.text(`422["blast",${count},${size}]`);
  const acked = await blaster.next((m) => typeof m === "string" && m.startsWith("432["), 60_000).then(() => "done", (e: unknown) => String(e));
  await sleep(1500); // the server's write queues settle (or its cap closes the slow ones)
  const held = await ctx.target.stats(true);
  for (const m of members) m.drop();
  blaster.destroy();
  await sleep(1500);
  const after = await ctx.target.stats(true);
  // Both members cut: only the blaster's session is left (sessions counted before it left).
  const cut = held.sessions <= before.sessions - 2;
  return {
    cut,
    ...(measured("rssBytes", held) ? { peak: held.rssBytes } : {}),
    lines: [
      `${transport}: blast of ${count} × ${size / 1024} KB (${((count * size) / MB).toFixed(0)} MB per member): ${acked}; ` +
        `with the slow members still connected: ${held.sessions} of ${before.sessions} sessions left, RSS ${megabytes(before, "rssBytes")} → ${megabytes(held, "rssBytes")} MB, heap ${megabytes(held, "heapBytes")} MB; ` +
        `after they went: RSS ${megabytes(after, "rssBytes")} MB, heap ${megabytes(after, "heapBytes")} MB; ` +
        (cut ? "both cut" : "KEPT BUFFERING"),
    ],
  };
}

export const slowConsumers: Family = {
  name: "slow-consumers",
  title: "Two clients stop reading while a room is broadcast (400 × 256 KB), over websocket and over polling",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const ws = await attack(ctx, "websocket");
    const polling = await attack(ctx, "polling");
    const verdict = (cut: boolean): string => (cut ? "cut" : "kept");
    return {
      answer: ws.cut && polling.cut ? "cut at the cap" : `websocket ${verdict(ws.cut)}, polling ${verdict(polling.cut)}`,
      asExpected: ws.cut && polling.cut,
      details: [...ws.lines, ...polling.lines],
      crashes: ctx.target.exited === undefined ? 0 : 1,
      ...(ws.peak !== undefined && polling.peak !== undefined ? { peakRssBytes: Math.max(ws.peak, polling.peak) } : {}),
    };
  },
};
