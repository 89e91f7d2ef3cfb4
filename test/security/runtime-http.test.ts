// What Deno and Bun do, under unio, with connections that misbehave at the HTTP level, seen
// from a raw TCP client against a real server process (test/runtimes/limits-server.ts:
// maxHttpBufferSize 1000, bodyTimeout 400 ms):
// - a refused WebSocket upgrade gets the core's answer, whatever refused it: the core
//   (unknown sid, a websocket-only session's sid) or the handshake check (a malformed key);
//   then that connection (and only that one) closes;
// - a polling body that stalls, declared or chunked, is answered 408 once `bodyTimeout`
//   passes, the session ends with it, and the connection closes;
// - a body over the cap that is still arriving is answered 413 at once, and the runtime skips
//   the rest of it (closing then would reset the connection under a client still sending,
//   which can destroy the 413 before it is read);
// - Bun's idle timeout ends a client that never speaks or trickles its headers. On Deno,
//   `serve()` runs unio's own HTTP/1.1 server, whose `headersTimeout` does (tested with a
//   short one in test/runtimes/deno-http.test.ts).

import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { StartedServer } from "../interop/client-suite.js";
import { type RawExchange, rawExchange, statuses } from "../runtimes/raw-client.js";
import { runtimeCommands, startServerProcess } from "../runtimes/spawn-server.js";

const BODY_TIMEOUT_MS = 400; // as limits-server.ts

interface Exchange extends RawExchange {
  /** The status of the first response, if one came. */
  readonly status: number | undefined;
}

/**
 * Opens a connection, writes `request`, then `drip` every `everyMs` (if given), and waits up
 * to `waitMs` for the server to close it. Everything it opens is closed before it resolves.
 */
async function exchange(port: number, request: string, waitMs: number, drip?: { text: string; everyMs: number }): Promise<Exchange> {
  const result = await rawExchange(port, request, waitMs, drip);
  return { ...result, status: statuses(result.data)[0] };
}

const upgrade = (query: string, key = "dGhlIHNhbXBsZSBub25jZQ=="): string =>
  `GET /socket.io/?EIO=4&transport=websocket${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

const postHead = (sid: string, headers: string): string =>
  `POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\n${headers}\r\n`;

/** Opens a polling session over plain HTTP and returns its sid. */
async function pollingSession(base: string): Promise<string> {
  const open = await (await fetch(`${base}/socket.io/?EIO=4&transport=polling`)).text();
  return (JSON.parse(open.slice(1)) as { sid: string }).sid;
}

describe.each(["deno", "bun"] as const)("HTTP limits on %s", (runtime) => {
  let server: StartedServer;
  let base: string;
  let port: number;
  beforeAll(async () => {
    server = await startServerProcess(runtime, runtimeCommands[runtime]("test/runtimes/limits-server.ts"));
    base = server.url;
    port = Number(new URL(base).port);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("a refused upgrade (unknown sid) gets the core's 400, and the connection closes", async () => {
    const result = await exchange(port, upgrade("&sid=nope"), 2000);
    expect(result.status).toBe(400);
    expect(result.data).toContain('{"code":1,"message":"Session ID unknown"}');
    expect(result.end).toBe("closed by server");
    expect(result.ms).toBeLessThan(1000); // at once, not at a timeout
  });

  it("an upgrade the handshake check refuses (malformed key) gets 400, and the connection closes", async () => {
    const result = await exchange(port, upgrade("", "short"), 2000);
    expect(result.status).toBe(400);
    expect(result.end).toBe("closed by server");
  });

  it("a second WebSocket for a websocket-only session is refused; the session's own socket lives on", async () => {
    const ws = new WebSocket(`${base.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
    const messages: string[] = [];
    const next = (): Promise<string> =>
      new Promise((resolve) => ws.once("message", (data: Buffer) => resolve(data.toString())));
    ws.on("message", (data: Buffer) => messages.push(data.toString()));
    const open = await next();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const result = await exchange(port, upgrade(`&sid=${sid}`), 2000);
    expect(result.status).toBe(400);
    expect(result.data).toContain('{"code":3,"message":"Bad request"}');
    expect(result.end).toBe("closed by server");
    // The refusal touched no other connection: the session still joins and acks.
    ws.send("40");
    expect(await next()).toMatch(/^40\{"sid":"[^"]+"\}$/);
    ws.send('421["ping?"]');
    expect(await next()).toBe('431["pong!"]');
    ws.close();
  });

  it("a declared body that stalls is answered 408 after bodyTimeout, its session ends, and its connection closes", async () => {
    const sid = await pollingSession(base);
    const result = await exchange(port, postHead(sid, "Content-Length: 100\r\n") + "40", 2000);
    expect(result.status).toBe(408);
    expect(result.end).toBe("closed by server");
    expect(result.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
    expect(result.ms).toBeLessThan(BODY_TIMEOUT_MS + 1500);
    const after = await fetch(`${base}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    expect(after.status).toBe(400);
    expect(await after.text()).toBe('{"code":1,"message":"Session ID unknown"}');
  });

  it("a body trickling a byte every 100 ms is still cut at bodyTimeout", async () => {
    const sid = await pollingSession(base);
    const result = await exchange(port, postHead(sid, "Content-Length: 500\r\n"), 2000, { text: "4".repeat(500), everyMs: 100 });
    expect(result.status).toBe(408);
    expect(result.end).toBe("closed by server");
  });

  it("a chunked body that stalls is answered 408 too", async () => {
    const sid = await pollingSession(base);
    const result = await exchange(port, postHead(sid, "Transfer-Encoding: chunked\r\n") + "2\r\n40\r\n", 2000);
    expect(result.status).toBe(408);
    expect(result.end).toBe("closed by server");
  });

  it("a body declared over the cap and still arriving is answered 413 at once", async () => {
    const sid = await pollingSession(base);
    const result = await exchange(port, postHead(sid, "Content-Length: 2000\r\n") + "4", 1000, { text: "x".repeat(100), everyMs: 50 });
    expect(result.status).toBe(413);
    expect(result.answeredMs).toBeLessThan(BODY_TIMEOUT_MS); // from the header, without waiting for the body
  });

  it("a chunked body over the cap sent as fast as the client can is answered 413, and the client reads it", async () => {
    const sid = await pollingSession(base);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ port, host: "127.0.0.1" });
      let data = "";
      let chunks = 0;
      const chunk = `${(16 * 1024).toString(16)}\r\n${"4".repeat(16 * 1024)}\r\n`;
      const pump = (): void => {
        // Keeps the client sending while the answer comes (bounded: 200 chunks, 3.2 MB).
        while (socket.writable && chunks < 200 && socket.write(chunk)) chunks++;
        if (socket.writable && chunks < 200) socket.once("drain", pump);
      };
      const done = (): void => {
        clearTimeout(bound);
        socket.destroy();
        resolve(data);
      };
      const bound = setTimeout(done, 3000);
      socket.setEncoding("latin1");
      socket.on("data", (text: string) => {
        data += text;
        if (/\r\n\r\n/.test(data)) done();
      });
      socket.on("error", done);
      socket.on("close", done);
      socket.on("connect", () => {
        socket.write(postHead(sid, "Transfer-Encoding: chunked\r\n"));
        pump();
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it("a body within the cap that arrives in time is read, and the connection is kept for the next request", async () => {
    const sid = await pollingSession(base);
    const result = await exchange(port, postHead(sid, "Content-Length: 2\r\n") + "40", 1000);
    expect(result.status).toBe(200);
    expect(result.data.endsWith("ok")).toBe(true);
    expect(result.end).toBe("still open");
  });
});

describe("Bun's idle timeout", () => {
  let server: StartedServer;
  let port: number;
  beforeAll(async () => {
    server = await startServerProcess("bun", runtimeCommands.bun("test/runtimes/limits-server.ts"));
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server?.close();
  });

  // Bun's default `idleTimeout` is 10 s; measured here, it closes such connections after 10–12 s.
  it("closes a connection that never speaks, and one that trickles its headers a byte a second", { timeout: 19_000 }, async () => {
    const trickled = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "a".repeat(100) + "\r\n\r\n";
    const [silent, trickling] = await Promise.all([exchange(port, "", 17_000), exchange(port, "", 17_000, { text: trickled, everyMs: 1000 })]);
    for (const result of [silent, trickling]) {
      expect(result.status).toBeUndefined();
      expect(result.end).toBe("closed by server");
      expect(result.ms).toBeGreaterThan(8000);
      expect(result.ms).toBeLessThan(16_000);
    }
  });
});
