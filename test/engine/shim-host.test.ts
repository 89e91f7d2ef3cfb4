// The pieces every shim shares with the core's contract: the setTimeout clock and the engine
// host (runtimes/shared), the standard-socket peer (runtimes/fetch) on a runtime without
// `bufferedAmount`, and the body readers that keep a refused POST from costing memory.

import { PassThrough } from "node:stream";
import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hibernatablePeer } from "../../runtimes/cloudflare/peer.js";
import type { HibernatableWebSocket } from "../../runtimes/cloudflare/workerd.js";
import { readBody } from "../../runtimes/fetch/request.js";
import { type StandardWebSocket, webSocketPeer } from "../../runtimes/fetch/websocket-peer.js";
import { toEngineRequest } from "../../runtimes/node/request.js";
import { timerClock } from "../../runtimes/shared/clock.js";
import { type EngineHost, type HostedEngine, closeHost, engineOf } from "../../runtimes/shared/engine-host.js";
import { EngineServer } from "../../src/engine/server.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A socket of a runtime that does not count its outbound queue (workerd's). */
function uncountedSocket() {
  const sent: (string | Uint8Array)[] = [];
  const ws: StandardWebSocket = {
    readyState: 1,
    send: (data) => void sent.push(data),
    close: () => {},
  };
  return { ws, sent };
}

describe("webSocketPeer on a socket without bufferedAmount", () => {
  it("reads the missing count as an empty queue: never congested, no polling timer", () => {
    vi.useFakeTimers();
    const { ws, sent } = uncountedSocket();
    const drained = vi.fn();
    const peer = webSocketPeer(ws, drained, { highWaterMark: 1 });
    expect(peer.send([{ data: "4" + "x".repeat(1000) }, { data: new Uint8Array(5000) }])).toBe(true);
    expect(sent).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(drained).not.toHaveBeenCalled();
  });

  it("a workerd hibernatable socket goes through it as it is", () => {
    const sent: unknown[] = [];
    const ws = {
      readyState: 1,
      send: (data: unknown) => void sent.push(data),
      close: () => {},
      serializeAttachment: () => {},
      deserializeAttachment: () => null,
    } satisfies HibernatableWebSocket;
    expect(hibernatablePeer(ws).send([{ data: "4hi" }])).toBe(true);
    expect(sent).toEqual(["4hi"]);
  });
});

describe("body readers stop at the limit (a refused POST is never buffered)", () => {
  it("fetch: an endless chunked body is cancelled just past the limit", async () => {
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request("http://x/socket.io/?EIO=4&transport=polling&sid=a", { method: "POST", body, duplex: "half" } as RequestInit);
    expect(await readBody(request, 10_000, "text")).toBeUndefined();
    await Promise.resolve();
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThanOrEqual(10_000 + 2 * 1024); // the limit, plus what the stream had queued
  });

  it("fetch: a declared Content-Length over the limit is refused without reading", async () => {
    const request = new Request("http://x/", { method: "POST", body: "x".repeat(100), headers: { "content-length": "100" } });
    expect(await readBody(request, 10, "text")).toBeUndefined();
  });

  it("node: a streamed body stops being buffered the moment it passes the limit", async () => {
    const stream = new PassThrough();
    const req = Object.assign(stream, { method: "POST", url: "/socket.io/", headers: {}, socket: { remoteAddress: "127.0.0.1" } });
    const engineRequest = toEngineRequest(req as unknown as IncomingMessage);
    const body = engineRequest.readBody(10_000, "text");
    for (let i = 0; i < 11; i++) stream.write(Buffer.alloc(1024));
    expect(await body).toBeUndefined();
    expect(engineRequest.bodyRefused).toBe(true);
    expect(stream.listenerCount("data")).toBe(0); // nothing reads (or keeps) the rest
    expect(stream.isPaused()).toBe(true);
  });
});

describe("timerClock (runtimes/shared)", () => {
  it("keeps one timer that does not hold the process open, and stop() is final", () => {
    const unref = vi.fn();
    const handle = { unref };
    const set = vi.spyOn(globalThis, "setTimeout").mockImplementation((() => handle) as unknown as typeof setTimeout);
    const clear = vi.spyOn(globalThis, "clearTimeout").mockImplementation(() => {});
    const clock = timerClock(() => {});
    clock.schedule(Date.now() + 1000);
    clock.schedule(Date.now() + 1000 * 60 * 60 * 24 * 30); // far: cut to 2^31 - 1
    expect(set).toHaveBeenCalledTimes(2);
    expect(set.mock.calls[1]?.[1]).toBe(0x7fffffff);
    expect(clear).toHaveBeenCalledWith(handle);
    expect(unref).toHaveBeenCalledTimes(2);
    clock.stop();
    clock.schedule(Date.now() + 5);
    expect(set).toHaveBeenCalledTimes(2);
  });

  it("takes a runtime whose setTimeout returns a number (Deno)", () => {
    vi.spyOn(globalThis, "setTimeout").mockImplementation((() => 7) as unknown as typeof setTimeout);
    vi.spyOn(globalThis, "clearTimeout").mockImplementation(() => {});
    expect(() => timerClock(() => {}).schedule(Date.now() + 10)).not.toThrow();
  });

  it("ticks at the deadline asked for", () => {
    vi.useFakeTimers({ now: 1000 });
    const tick = vi.fn();
    timerClock(tick).schedule(1500);
    vi.advanceTimersByTime(499);
    expect(tick).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(tick).toHaveBeenCalledTimes(1);
  });
});

describe("engine host (runtimes/shared)", () => {
  it("finds the engine of a bare engine and of a holder (the Socket.IO server)", () => {
    const engine = new EngineServer();
    const bare: HostedEngine = engine;
    expect(engineOf(bare)).toBe(engine);
    expect(engineOf({ engine })).toBe(engine);
  });

  it("closes the holder when it can close itself, else its engine, else the bare engine", async () => {
    const calls: string[] = [];
    const engine = { ...fakeEngine(), close: () => calls.push("engine") };
    await closeHost({ engine, close: async () => void calls.push("holder") });
    await closeHost({ engine });
    await closeHost(engine);
    const silent: EngineHost = { engine: fakeEngine() };
    await closeHost(silent); // nothing to close: no throw
    expect(calls).toEqual(["holder", "engine", "engine"]);
  });

  it("an EngineServer closed through its host refuses new handshakes", async () => {
    const engine = new EngineServer();
    await closeHost({ engine });
    const res = await engine.handleRequest({
      method: "GET",
      url: "/engine.io/?EIO=4&transport=polling",
      headers: {},
      remoteAddress: "",
      secure: false,
      readBody: () => Promise.resolve(""),
    });
    expect(res.status).toBe(503);
  });
});

function fakeEngine(): HostedEngine {
  return {
    options: { maxHttpBufferSize: 1, pingInterval: 25_000, pingTimeout: 20_000 },
    handles: () => true,
    handleRequest: () => Promise.reject(new Error("unused")),
    requestAborted: () => {},
    handleUpgrade: () => Promise.reject(new Error("unused")),
    useClock: () => {},
    tick: () => {},
  };
}
