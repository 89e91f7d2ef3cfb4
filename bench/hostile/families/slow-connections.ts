// Slowloris and friends: connections that trickle their headers a byte at a time, never
// speak, start a body and never finish it, or open a websocket and then fall silent. They
// are held open for `--hold` seconds; the server must stay healthy meanwhile, and we
// record how many it dropped and when (its half-open timeouts).

import { healthy } from "../clients/health.js";
import { pollingHandshake, pollingPath, tcp } from "../clients/raw-http.js";
import { RawWs } from "../clients/raw-ws.js";
import { measured } from "../control-protocol.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { pool, sleep } from "../family.js";

interface Held {
  readonly kind: string;
  readonly opened: number;
  closedAt: number | undefined;
  stop(): void;
}

async function hold(kind: string, port: number, sid?: string): Promise<Held> {
  const socket = await tcp(port);
  socket.on("error", () => {});
  const held: Held = { kind, opened: performance.now(), closedAt: undefined, stop: () => socket.destroy() };
  socket.on("close", () => {
    held.closedAt ??= performance.now();
  });
  socket.on("data", () => {});
  if (kind === "trickled headers") {
    socket.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const timer = setInterval(() => {
      if (socket.destroyed) clearInterval(timer);
      else socket.write("X");
    }, 1000);
    held.stop = () => {
      clearInterval(timer);
      socket.destroy();
    };
  } else if (kind === "unfinished body") {
    socket.write(`POST ${pollingPath(sid!)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 100000\r\n\r\n4start`);
  }
  return held;
}

async function silentWebSocket(port: number): Promise<Held> {
  const ws = await RawWs.open(port);
  ws.heartbeat = false; // never answers pings: only the server's heartbeat can end it
  const held: Held = { kind: "silent websocket", opened: performance.now(), closedAt: undefined, stop: () => ws.destroy() };
  ws.socket.on("close", () => {
    held.closedAt ??= performance.now();
  });
  return held;
}

function describe(kind: string, all: readonly Held[], holdMs: number): string {
  const mine = all.filter((h) => h.kind === kind);
  const closed = mine.filter((h) => h.closedAt !== undefined).map((h) => (h.closedAt! - h.opened) / 1000);
  closed.sort((a, b) => a - b);
  const when = closed.length === 0 ? "" : ` (after ${closed[0]!.toFixed(0)}–${closed[closed.length - 1]!.toFixed(0)} s)`;
  return `${kind}: ${closed.length}/${mine.length} dropped by the server within ${(holdMs / 1000).toFixed(0)} s${when}`;
}

export const slowConnections: Family = {
  name: "slow-connections",
  title: "Half-open connections: trickled headers, silence, unfinished bodies, silent websockets",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const port = ctx.target.port;
    const n = Math.max(5, Math.round(50 * ctx.options.scale));
    const held: Held[] = [];
    held.push(...(await pool(n, 20, () => hold("trickled headers", port))));
    held.push(...(await pool(n, 20, () => hold("silent TCP", port))));
    const sids = await pool(n, 20, () => pollingHandshake(port));
    held.push(...(await pool(n, 20, (i) => hold("unfinished body", port, sids[i]))));
    held.push(...(await pool(n, 20, () => silentWebSocket(port))));
    const holdMs = ctx.options.holdSeconds * 1000;
    const started = performance.now();
    await sleep(Math.min(2000, holdMs));
    const during = await healthy(ctx.target.url);
    const peak = await ctx.target.stats(false);
    // Keep them until the hold time is over, or every one was dropped.
    while (performance.now() - started < holdMs && held.some((h) => h.closedAt === undefined)) await sleep(500);
    // The Engine.IO sessions behind the unfinished POSTs and the silent websockets end with
    // their heartbeat (pingInterval + pingTimeout) even while the TCP connections stay.
    const end = await ctx.target.stats(false);
    for (const h of held) h.stop();
    const kinds = ["trickled headers", "silent TCP", "unfinished body", "silent websocket"];
    const details = kinds.map((kind) => describe(kind, held, holdMs));
    details.push(`health check while ${held.length} connections were held: ${during}`);
    details.push(`Engine.IO sessions left at the end of the hold: ${end.sessions} (of ${2 * n} opened)`);
    const dropped = held.filter((h) => h.closedAt !== undefined).length;
    return {
      answer: `${dropped}/${held.length} dropped in ${ctx.options.holdSeconds} s`,
      asExpected: during === "ok",
      details,
      crashes: ctx.target.exited === undefined ? 0 : 1,
      ...(measured("rssBytes", peak) ? { peakRssBytes: peak.rssBytes } : {}),
    };
  },
};
