// The Deno and Bun shims against a scripted engine (echo-engine.ts) in real runtime
// processes: what each shim must translate, checked without the protocol core, including
// what the real-client suite cannot provoke (backpressure, body caps on chunked uploads,
// refused upgrades, close codes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
import WebSocket from "ws";
import type { StartedServer } from "../interop/client-suite.js";
import { runtimeCommands, startServerProcess } from "./spawn-server.js";

/** Resolves with the next message (text as string, binary as bytes). */
function nextMessage(ws: WebSocket): Promise<string | Uint8Array> {
  return new Promise((resolve) =>
    ws.once("message", (data: Buffer, isBinary: boolean) => resolve(isBinary ? new Uint8Array(data) : data.toString())),
  );
}

function opened(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

function closed(ws: WebSocket): Promise<[number, string]> {
  return new Promise((resolve) => ws.once("close", (code: number, reason: Buffer) => resolve([code, reason.toString()])));
}

describe.each(["deno", "bun"] as const)("the %s shim", (runtime) => {
  let server: StartedServer;
  let base: string;
  let wsBase: string;
  beforeAll(async () => {
    server = await startServerProcess(runtime, runtimeCommands[runtime]("test/runtimes/echo-server.ts"));
    base = server.url;
    wsBase = base.replace("http", "ws");
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers 404 outside the engine's path", async () => {
    const response = await fetch(`${base}/elsewhere`);
    expect(response.status).toBe(404);
  });

  it("hands over the peer address and whether TLS was used", async () => {
    expect(await (await fetch(`${base}/echo/whoami`)).text()).toBe("127.0.0.1 false");
  });

  it("reads a text body, UTF-8 included, and a binary one", async () => {
    const text = await fetch(`${base}/echo/text`, { method: "POST", body: "4héllo €" });
    expect(await text.text()).toBe("4héllo €");
    const bytes = await fetch(`${base}/echo/bytes`, { method: "POST", body: new Uint8Array([0, 1, 254, 255]) });
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 1, 254, 255]);
  });

  it("refuses a body over the cap, declared or streamed", async () => {
    const declared = await fetch(`${base}/echo/text`, { method: "POST", body: "x".repeat(1001) });
    expect(declared.status).toBe(413);
    const chunks = [new Uint8Array(600), new Uint8Array(600)];
    const streamed = await fetch(`${base}/echo/bytes`, {
      method: "POST",
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(next);
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const atCap = await fetch(`${base}/echo/text`, { method: "POST", body: "y".repeat(1000) });
    expect(await atCap.text()).toBe("y".repeat(1000));
  });

  it("tells the engine when a parked request's client goes away", async () => {
    const abort = new AbortController();
    const parked = fetch(`${base}/echo/park`, { signal: abort.signal }).catch((err: unknown) => err);
    // Abort only once the server holds the request: an abort before it arrived is not one.
    expect(await (await fetch(`${base}/echo/parked?n=1`)).text()).toBe("1");
    // The aborts query waits too, and answers once the engine heard of the abort.
    const reported = fetch(`${base}/echo/aborts?n=1`).then((r) => r.text());
    abort.abort();
    await parked;
    expect(await reported).toBe("1");
  });

  it("writes the engine's refusal of an upgrade instead of a 101", async () => {
    const ws = new WebSocket(`${wsBase}/echo/?reject`);
    const [status, body] = await new Promise<[number, string]>((resolve) => {
      ws.once("unexpected-response", (_req, res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve([res.statusCode ?? 0, text]));
      });
    });
    ws.on("error", () => {}); // terminating a socket that never opened reports an error
    ws.terminate();
    expect(status).toBe(403);
    expect(body).toBe('{"code":4,"message":"Forbidden"}');
  });

  it("carries text and binary messages both ways", async () => {
    const ws = await opened(`${wsBase}/echo/`);
    ws.send("42[\"hi\",\"€\"]");
    expect(await nextMessage(ws)).toBe('42["hi","€"]');
    ws.send(new Uint8Array([1, 2, 3]));
    expect(await nextMessage(ws)).toEqual(new Uint8Array([1, 2, 3]));
    // Empty messages are messages too (an empty Uint8Array attachment).
    ws.send(new Uint8Array(0));
    expect(await nextMessage(ws)).toEqual(new Uint8Array(0));
    ws.send("");
    expect(await nextMessage(ws)).toBe("");
    ws.close();
  });

  it("runs the engine's clock: a deadline comes back as a tick", async () => {
    const ws = await opened(`${wsBase}/echo/`);
    ws.send("timer 20");
    expect(await nextMessage(ws)).toBe("tick");
    ws.close();
  });

  it("reports backpressure while the client does not read, then drained, losing nothing", async () => {
    const ws = await opened(`${wsBase}/echo/`);
    const socket = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    const received: Array<string | number> = [];
    let sawPressure!: () => void;
    const pressure = new Promise<void>((resolve) => (sawPressure = resolve));
    const done = new Promise<void>((resolve) => {
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        received.push(isBinary ? data.length : data.toString());
        if (!isBinary && data.toString() === "pressure") sawPressure();
        if (received.filter((m) => typeof m === "number").length === 200) resolve();
      });
    });
    socket.pause();
    ws.send("flood 200"); // 12.5 MiB: beyond every runtime's high-water mark
    // The pressure report is queued behind the flood, so it can only be seen once reading resumes.
    setTimeout(() => socket.resume(), 200);
    await pressure;
    await done;
    const texts = received.filter((m) => typeof m === "string");
    expect(texts[0]).toBe("pressure");
    expect(texts.some((t) => String(t).startsWith("drained "))).toBe(true);
    expect(received.filter((m) => typeof m === "number").every((n) => n === 64 * 1024)).toBe(true);
    ws.close();
  });

  it("passes close codes both ways", async () => {
    const ws = await opened(`${wsBase}/echo/`);
    const serverSide = closed(ws);
    ws.send("close 4001 go away");
    expect(await serverSide).toEqual([4001, "go away"]);
    const client = await opened(`${wsBase}/echo/`);
    client.close(4002, "client leaves");
    // Answers only once the engine was told exactly this code and reason.
    const report = await fetch(`${base}/echo/closed?as=${encodeURIComponent("4002 client leaves")}`);
    expect(await report.text()).toBe("closed");
  });
});

describe.each(["deno", "bun"] as const)("closing the %s server", (runtime) => {
  const start = () => startServerProcess(runtime, runtimeCommands[runtime]("test/runtimes/echo-server.ts"));

  it("delivers the engine's last answers and finishes despite a client that stopped reading", async () => {
    const server = await start();
    const ws = await opened(`${server.url.replace("http", "ws")}/echo/`);
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const parked = fetch(`${server.url}/echo/park`).then((r) => r.text());
    await fetch(`${server.url}/echo/whoami`); // the park request has reached the engine
    await server.close(); // SIGTERM → serve().close(); fails unless the process exits 0 within 5 s
    expect(await parked).toBe("closing");
    ws.terminate();
  });

  it("does not wait for ever for a client trickling a request body", async () => {
    const server = await start();
    const { port } = new URL(server.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write("POST /echo/text HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
    await fetch(`${server.url}/echo/whoami`);
    const began = performance.now();
    await server.close();
    expect(performance.now() - began).toBeLessThan(3000); // the 1 s grace, then cut off
    socket.destroy();
  });
});
