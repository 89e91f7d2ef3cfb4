// Oversized WebSocket messages on Deno and Bun, against a real server process
// (test/runtimes/limits-server.ts: maxHttpBufferSize 1000). Bun refuses a message over the cap
// itself (1009, from `maxPayloadLength`). On Deno, `serve()` frames WebSockets with unio's own
// decoder, which refuses it with 1009 from its frame header, before its bytes are read (no
// reason, as on Node). Either way only that connection ends, and the server keeps serving.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { StartedServer } from "../interop/client-suite.js";
import { runtimeCommands, startServerProcess } from "../runtimes/spawn-server.js";

/** A websocket-only Engine.IO session, once its open packet arrived. */
async function session(base: string): Promise<WebSocket> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
  ws.on("error", () => {}); // a dropped connection also reports an error; "close" is what is checked
  await new Promise((resolve) => ws.once("message", resolve));
  return ws;
}

/** Sends `data` and resolves with the close code and reason the client saw (bounded). */
async function closeAfterSending(ws: WebSocket, data: string | Uint8Array): Promise<[number, string] | "not closed"> {
  const closed = new Promise<[number, string]>((resolve) => ws.once("close", (code: number, reason: Buffer) => resolve([code, reason.toString()])));
  ws.send(data);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<"not closed">((resolve) => (timer = setTimeout(() => resolve("not closed"), 10_000)));
  const result = await Promise.race([closed, bound]);
  clearTimeout(timer);
  ws.terminate();
  return result;
}

/** Over Deno.serve's own 64 MiB frame limit, which `serve()` no longer uses. */
const OVER_DENO_LIMIT = 70 * 1024 * 1024;

describe.each(["deno", "bun"] as const)("oversized WebSocket messages on %s", (runtime) => {
  let server: StartedServer;
  beforeAll(async () => {
    server = await startServerProcess(runtime, runtimeCommands[runtime]("test/runtimes/limits-server.ts"));
  });
  afterAll(async () => {
    await server?.close(); // fails unless the process is alive and exits cleanly
  });

  /** The reason each runtime's 1009 carries: none from unio's decoder on Deno, Bun's own on Bun. */
  const tooBig = runtime === "deno" ? "" : "Received too big message";

  it("a message one byte over maxHttpBufferSize closes its connection with 1009, text or binary", async () => {
    expect(await closeAfterSending(await session(server.url), "4" + "x".repeat(1000))).toEqual([1009, tooBig]);
    expect(await closeAfterSending(await session(server.url), new Uint8Array(1001))).toEqual([1009, tooBig]);
  });

  it("a 70 MiB message ends only its own connection, and the server keeps serving", async () => {
    const bystander = await session(server.url);
    const result = await closeAfterSending(await session(server.url), new Uint8Array(OVER_DENO_LIMIT));
    expect(result).toEqual([1009, tooBig]);
    const reply = new Promise<string>((resolve) => bystander.once("message", (data: Buffer) => resolve(data.toString())));
    bystander.send("40");
    expect(await reply).toMatch(/^40\{"sid":"[^"]+"\}$/);
    bystander.close();
    const handshake = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    await handshake.text();
  });
});
