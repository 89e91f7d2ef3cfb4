// Handshake abuse: upgrade requests with missing or bad key, version or Upgrade header,
// the wrong method, protocol version or session id, a 64 KB header, a garbage request
// line. Each must get an HTTP error (4xx) — never a 101 — and the connection closed.

import { rawExchange } from "../clients/raw-http.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";

const WS = "/socket.io/?EIO=4&transport=websocket";

function upgrade(path: string, headers: Record<string, string | undefined>, method = "GET"): string {
  const all: Record<string, string | undefined> = {
    Host: "127.0.0.1",
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...headers,
  };
  const lines = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${k}: ${v}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("")}\r\n`;
}

const CASES: ReadonlyArray<readonly [string, string]> = [
  ["no Sec-WebSocket-Key", upgrade(WS, { "Sec-WebSocket-Key": undefined })],
  ["malformed key", upgrade(WS, { "Sec-WebSocket-Key": "short" })],
  ["version 8", upgrade(WS, { "Sec-WebSocket-Version": "8" })],
  ["no version", upgrade(WS, { "Sec-WebSocket-Version": undefined })],
  ["Upgrade: h2c", upgrade(WS, { Upgrade: "h2c" })],
  ["POST upgrade", upgrade(WS, {}, "POST")],
  ["EIO=3", upgrade("/socket.io/?EIO=3&transport=websocket", {})],
  ["no EIO", upgrade("/socket.io/?transport=websocket", {})],
  ["unknown sid", upgrade(`${WS}&sid=nonexistent`, {})],
  ["transport=polling", upgrade("/socket.io/?EIO=4&transport=polling", {})],
  ["64 KB header", upgrade(WS, { "X-Big": "a".repeat(64 * 1024) })],
  ["garbage request line", "\u0000\u0001GARBAGE\r\n\r\n"],
  ["header without colon", `GET ${WS} HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n`],
];

export const handshake: Family = {
  name: "ws-handshake",
  title: "Handshake abuse (13 malformed upgrade requests)",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const details: string[] = [];
    let refused = 0;
    let crashes = 0;
    for (const [name, request] of CASES) {
      const outcome = await rawExchange(ctx.target.port, [request], { timeoutMs: 5000 });
      const ok = outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500 && outcome.ended === "server closed";
      if (ok) refused++;
      details.push(`${name}: ${outcome.status ?? "no status"}, ${outcome.ended}`);
      if (ctx.target.exited !== undefined) {
        crashes++;
        await ctx.restart();
      }
    }
    return { answer: `${refused}/${CASES.length} refused 4xx + closed`, asExpected: refused === CASES.length, details, crashes };
  },
};
