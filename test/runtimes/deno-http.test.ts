// unio's own HTTP/1.1 server under `serve()` on Deno (runtimes/deno/), seen from raw TCP
// against a real Deno process (deno-limits-server.ts: headersTimeout 1 s, keepAliveTimeout
// 500 ms, bodyTimeout 400 ms, maxHeaderSize 4 KiB, maxHttpBufferSize 1000): the limits
// Deno.serve lacks, request framing, pipelining, and the WebSocket size cap.
import { type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { StartedServer } from "../interop/client-suite.js";
import { peakRss, rawExchange, statuses } from "./raw-client.js";
import { runtimeCommands, startServerProcess } from "./spawn-server.js";

const HANDSHAKE = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const post = (sid: string, headers: string, body: string): string =>
  `POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\n${headers}\r\n${body}`;

describe("unio's own HTTP/1.1 server on Deno", () => {
  let server: StartedServer & { child: ChildProcess };
  let port: number;
  let base: string;
  beforeAll(async () => {
    server = await startServerProcess("deno", runtimeCommands.deno("test/runtimes/deno-limits-server.ts"));
    base = server.url;
    port = Number(new URL(base).port);
  });
  afterAll(async () => {
    await server?.close(); // fails unless close() finishes and the process exits cleanly
  });

  async function session(): Promise<string> {
    const open = await (await fetch(`${base}/socket.io/?EIO=4&transport=polling`)).text();
    return (JSON.parse(open.slice(1)) as { sid: string }).sid;
  }

  it("closes a connection that never speaks at headersTimeout, with 408", async () => {
    const result = await rawExchange(port, "", 4000);
    expect(result.end).toBe("closed by server");
    expect(result.data).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(result.ms).toBeGreaterThan(900);
    expect(result.ms).toBeLessThan(2500);
  });

  it("closes a connection trickling its head a byte every 100 ms at headersTimeout", async () => {
    const head = `GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${"a".repeat(200)}\r\n\r\n`;
    const result = await rawExchange(port, "", 5000, { text: head, everyMs: 100 });
    expect(result.end).toBe("closed by server");
    expect(statuses(result.data)).toEqual([408]);
    expect(result.ms).toBeGreaterThan(900);
    expect(result.ms).toBeLessThan(2500);
  });

  it("closes an idle keep-alive connection at keepAliveTimeout", async () => {
    const result = await rawExchange(port, HANDSHAKE, 4000);
    expect(statuses(result.data)).toEqual([200]);
    expect(result.end).toBe("closed by server");
    expect(result.ms).toBeGreaterThan(400);
    expect(result.ms).toBeLessThan(2000);
  });

  it("answers 431 to a head over maxHeaderSize and closes", async () => {
    const result = await rawExchange(port, `GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ${"a".repeat(8000)}\r\n\r\n`, 3000);
    expect(result.data).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\nConnection: close\r\n/);
    expect(result.end).toBe("closed by server");
    expect(result.ms).toBeLessThan(900);
  });

  it.each([
    ["both Content-Length and Transfer-Encoding", "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", 400],
    ["two different Content-Lengths", "Content-Length: 2\r\nContent-Length: 3\r\n", 400],
    ["Transfer-Encoding: gzip", "Transfer-Encoding: gzip\r\n", 501],
  ])("refuses %s and closes (request smuggling)", async (_name, headers, status) => {
    const result = await rawExchange(port, post("x", headers, "40"), 3000);
    expect(statuses(result.data)).toEqual([status]);
    expect(result.end).toBe("closed by server");
    expect(result.ms).toBeLessThan(900);
  });

  it("honours Connection: close, and HTTP/1.0 closes unless asked to keep alive", async () => {
    const closing = await rawExchange(port, HANDSHAKE.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"), 3000);
    expect(closing.data).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(closing.data).toContain("\r\nConnection: close\r\n");
    expect(closing.end).toBe("closed by server");
    expect(closing.ms).toBeLessThan(400); // before the keep-alive timeout could have done it
    const old = await rawExchange(port, "GET /socket.io/?EIO=4&transport=polling HTTP/1.0\r\n\r\n", 3000);
    expect(statuses(old.data)).toEqual([200]);
    expect(old.end).toBe("closed by server");
    expect(old.ms).toBeLessThan(400);
    const kept = await rawExchange(port, "GET /socket.io/?EIO=4&transport=polling HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 300);
    expect(kept.data).toContain("\r\nConnection: keep-alive\r\n");
    expect(kept.end).toBe("still open");
  });

  it("answers pipelined requests in order", async () => {
    const result = await rawExchange(port, HANDSHAKE + "GET /elsewhere HTTP/1.1\r\nHost: a\r\n\r\n" + HANDSHAKE, 300);
    expect(statuses(result.data)).toEqual([200, 404, 200]);
    expect(result.end).toBe("still open");
  });

  it("reads a chunked POST body and keeps the connection", async () => {
    const sid = await session();
    const result = await rawExchange(port, post(sid, "Transfer-Encoding: chunked\r\n", "1\r\n4\r\n1\r\n0\r\n0\r\n\r\n"), 300);
    expect(result.data).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
    expect(result.end).toBe("still open");
  });

  it("answers Expect: 100-continue before the body is sent", async () => {
    const sid = await session();
    const { data: answer } = await rawExchange(port, post(sid, "Content-Length: 2\r\nExpect: 100-continue\r\n", ""), 3000, undefined, (data, write) => {
      if (data === "HTTP/1.1 100 Continue\r\n\r\n") write("40"); // only now the body
      return data.endsWith("ok");
    });
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n[^]*ok$/);
  });

  it("tells the core when a parked long poll's client leaves (the session ends)", async () => {
    const sid = await session();
    const parked = await rawExchange(port, `GET /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: a\r\n\r\n`, 200);
    expect(parked.data).toBe(""); // still parked when the client left
    const after = await fetch(`${base}/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    expect(after.status).toBe(400);
    expect(await after.text()).toBe('{"code":1,"message":"Session ID unknown"}');
  });

  it("refuses a WebSocket message over maxHttpBufferSize with 1009 from its frame header alone", async () => {
    const upgrade =
      "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    let announced = false;
    const { data: frames } = await rawExchange(port, upgrade, 3000, undefined, (_data, write) => {
      // After the 101 and the open packet: a binary frame announcing 50 MiB, then nothing.
      if (!announced) write(new Uint8Array([0x82, 0xff, 0, 0, 0, 0, 0x03, 0x20, 0, 0, 1, 2, 3, 4]));
      announced = true;
      return false;
    });
    expect(frames).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n[^]*Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n\r\n/);
    expect(frames.endsWith("\x88\x02\x03\xf1")).toBe(true); // close 1009, sent without the payload
  });

  it("a 70 MiB WebSocket message is refused without the server buffering it (peak RSS)", async () => {
    const before = await peakRss(server.child.pid!);
    const ws = new WebSocket(`${base.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
    ws.on("error", () => {});
    await new Promise((resolve) => ws.once("message", resolve));
    const closed = new Promise<number>((resolve) => ws.once("close", (code: number) => resolve(code)));
    ws.send(new Uint8Array(70 * 1024 * 1024));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([closed, new Promise<"not closed">((r) => (timer = setTimeout(() => r("not closed"), 10_000)))]);
    clearTimeout(timer);
    ws.terminate();
    expect(code).toBe(1009);
    expect((await peakRss(server.child.pid!)) - before).toBeLessThan(16 * 1024 * 1024);
  });
});

describe("closing unio's own server on Deno", () => {
  it("answers a parked long poll, closes an open WebSocket, and exits (bounded)", async () => {
    const server = await startServerProcess("deno", runtimeCommands.deno("test/runtimes/deno-limits-server.ts"));
    const open = await (await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`)).text();
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const parked = fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`).then(async (r) => [r.status, await r.text()]);
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
    ws.on("error", () => {});
    await new Promise((resolve) => ws.once("message", resolve));
    const closed = new Promise<number>((resolve) => ws.once("close", (code: number) => resolve(code)));
    await server.close(); // SIGTERM → serve(...).close(); throws unless the process exits 0 within 5 s
    expect(await parked).toEqual([200, "1"]); // the core's goodbye: a close packet
    let timer: ReturnType<typeof setTimeout> | undefined;
    const code = await Promise.race([closed, new Promise<"open">((r) => (timer = setTimeout(() => r("open"), 3000)))]);
    clearTimeout(timer);
    ws.terminate();
    expect(code).toBe(1001); // a close frame (going away), not a dropped connection (1006)
  });
});
