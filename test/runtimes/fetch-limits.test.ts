// The fetch path's own request limits, tested in Node against scripted streams and a manual
// timer: a body's deadline (a streamed body cancelled, a declared one failed, 408, every timer
// cleared), the cap on a declared length, and the answers after which the connection must
// close (refused upgrades, timed-out bodies).

import { describe, expect, it } from "vitest";
import type { EngineRequest, EngineResponse, UpgradeVerdict } from "../../src/engine/contract.js";
import type { FetchEngine, StartTimer } from "../../runtimes/fetch.js";
import { fetchOptions, handleFetch } from "../../runtimes/fetch/handle.js";
import { handshakeRefused } from "../../runtimes/fetch/hang-up.js";
import { type BodyProgress, BodyTimeoutError, readBody, toEngineRequest } from "../../runtimes/fetch/request.js";

const encoder = new TextEncoder();

/** Timers that fire only when the test says so, and say which are still pending. */
function manualTimers(): { start: StartTimer; pending: () => number[]; fire: () => void } {
  const timers = new Map<number, { ms: number; fire: () => void }>();
  let next = 0;
  return {
    start(ms, fire) {
      const id = next++;
      timers.set(id, { ms, fire });
      return () => void timers.delete(id);
    },
    pending: () => [...timers.values()].map((timer) => timer.ms),
    fire() {
      const due = [...timers.values()];
      timers.clear();
      for (const timer of due) timer.fire();
    },
  };
}

/** A body that sends `first` and then nothing, ever; records whether it was cancelled. */
function stalledBody(first: string): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let sent = false;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent) return new Promise<void>(() => {});
        sent = true;
        controller.enqueue(encoder.encode(first));
        return undefined;
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, cancelled: () => cancelled };
}

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/socket.io/?EIO=4&transport=polling&sid=abc", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("a body's deadline", () => {
  it("cancels a body that does not end in time and fails the read with BodyTimeoutError", async () => {
    const timers = manualTimers();
    const body = stalledBody("4h");
    const progress: BodyProgress = { end: undefined, reader: undefined };
    const read = readBody(post(body.stream), 1000, "text", progress, { ms: 250, start: timers.start }).catch((error: unknown) => error);
    await flush();
    expect(timers.pending()).toEqual([250]);
    expect(body.cancelled()).toBe(false);
    timers.fire();
    const error = await read;
    expect(error).toBeInstanceOf(BodyTimeoutError);
    expect((error as Error).message).toBe("the request body did not arrive within 250 ms");
    expect(body.cancelled()).toBe(true);
    expect(progress.end).toBe("timeout");
  });

  it("fails a body that declared its Content-Length too (read whole by the runtime, so not cancellable)", async () => {
    const timers = manualTimers();
    const body = stalledBody("0123456789");
    const progress: BodyProgress = { end: undefined, reader: undefined };
    const read = readBody(post(body.stream, { "content-length": "100" }), 1000, "bytes", progress, { ms: 10, start: timers.start });
    await flush();
    expect(timers.pending()).toEqual([10]);
    timers.fire();
    await expect(read).rejects.toBeInstanceOf(BodyTimeoutError);
    expect(progress.end).toBe("timeout");
  });

  it("reads a declared body whole, as text or bytes, and clears its timer", async () => {
    const timers = manualTimers();
    const deadline = { ms: 250, start: timers.start };
    expect(await readBody(post("4h€", { "content-length": "6" }), 1000, "text", undefined, deadline)).toBe("4h€");
    expect(await readBody(post("4hi", { "content-length": "3" }), 1000, "bytes", undefined, deadline)).toEqual(new Uint8Array([0x34, 0x68, 0x69]));
    expect(timers.pending()).toEqual([]);
  });

  it("clears its timer when the body ends in time, is refused over the cap, or fails", async () => {
    const timers = manualTimers();
    const deadline = { ms: 250, start: timers.start };
    expect(await readBody(post("4hello"), 1000, "text", undefined, deadline)).toBe("4hello");
    expect(timers.pending()).toEqual([]);
    const chunks = [new Uint8Array(6), new Uint8Array(6)];
    const overCap = new ReadableStream<Uint8Array>({ pull: (c) => void (chunks.length > 0 ? c.enqueue(chunks.shift()!) : c.close()) });
    expect(await readBody(post(overCap), 10, "bytes", undefined, deadline)).toBeUndefined();
    expect(timers.pending()).toEqual([]);
    const failing = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error("client went away")) });
    await expect(readBody(post(failing), 10, "bytes", undefined, deadline)).rejects.toThrow("client went away");
    expect(timers.pending()).toEqual([]);
  });

  it("starts no timer for a refused Content-Length, a request without a body, or a deadline of 0", async () => {
    const timers = manualTimers();
    const deadline = { ms: 250, start: timers.start };
    expect(await readBody(post("x".repeat(20), { "content-length": "20" }), 10, "text", undefined, deadline)).toBeUndefined();
    expect(await readBody(new Request("http://x/"), 10, "text", undefined, deadline)).toBe("");
    expect(await readBody(post("4hi"), 10, "text", undefined, { ms: 0, start: timers.start })).toBe("4hi");
    expect(timers.pending()).toEqual([]);
  });

  it("is 30 s by default and follows bodyTimeout; a negative or NaN one is refused at once", () => {
    expect(fetchOptions().deadline.ms).toBe(30_000);
    expect(fetchOptions({ bodyTimeout: 500 }).deadline.ms).toBe(500);
    expect(fetchOptions({ bodyTimeout: 0 }).deadline.ms).toBe(0);
    expect(() => fetchOptions({ bodyTimeout: -1 })).toThrow(RangeError);
    expect(() => fetchOptions({ bodyTimeout: Number.NaN })).toThrow(RangeError);
  });
});

/** An engine whose requests are answered by `respond`, and whose upgrades by `verdict`. */
function scriptedEngine(respond: (req: EngineRequest) => Promise<EngineResponse>, verdict?: UpgradeVerdict): FetchEngine {
  return {
    options: { maxHttpBufferSize: 1000, pingInterval: 25_000, pingTimeout: 20_000 },
    handles: () => true,
    handleRequest: respond,
    requestAborted() {},
    handleUpgrade: () => verdict ?? { kind: "reject", response: { status: 400, headers: {}, body: "" } },
    useClock() {},
    tick() {},
  };
}

/** What the core answers a POST whose body read failed (src/engine/polling.ts). */
const readingEngine = (): FetchEngine =>
  scriptedEngine(async (req) => {
    try {
      const body = await req.readBody(1000, "text");
      return body === undefined ? { status: 413, headers: { "Access-Control-Allow-Origin": "*" }, body: "" } : { status: 200, headers: {}, body: "ok" };
    } catch {
      return { status: 400, headers: { "Access-Control-Allow-Origin": "*" }, body: "" };
    }
  });

describe("answers that close the connection", () => {
  it("a timed-out body: 408 with the core's headers, and Connection: close", async () => {
    const timers = manualTimers();
    const options = { deadline: { ms: 100, start: timers.start } };
    const body = stalledBody("4h");
    const pending = handleFetch(readingEngine(), post(body.stream), { remoteAddress: "" }, () => undefined, options);
    await flush();
    timers.fire();
    const response = (await pending)!;
    expect(response.status).toBe(408);
    expect(response.headers.get("connection")).toBe("close");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.text()).toBe("");
    expect(body.cancelled()).toBe(true);
  });

  it("a body over the cap: the core's 413, the connection kept (the runtime skips the rest of the body)", async () => {
    const response = (await handleFetch(readingEngine(), post("x".repeat(1001)), { remoteAddress: "" }, () => undefined))!;
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBeNull();
  });

  it("a body read whole, or no body: the connection is kept", async () => {
    const read = (await handleFetch(readingEngine(), post("4hi"), { remoteAddress: "" }, () => undefined))!;
    expect(await read.text()).toBe("ok");
    expect(read.headers.get("connection")).toBeNull();
    const get = (await handleFetch(scriptedEngine(async () => ({ status: 200, headers: {}, body: "6" })), new Request("http://x/socket.io/"), { remoteAddress: "" }, () => undefined))!;
    expect(get.headers.get("connection")).toBeNull();
  });

  it("a body the core answered without reading: let go, the connection kept", async () => {
    const body = stalledBody("4h");
    const engine = scriptedEngine(async () => ({ status: 400, headers: {}, body: '{"code":1,"message":"Session ID unknown"}' }));
    const response = (await handleFetch(engine, post(body.stream, { "content-length": "100" }), { remoteAddress: "" }, () => undefined))!;
    expect(response.headers.get("connection")).toBeNull();
    expect(await response.text()).toBe('{"code":1,"message":"Session ID unknown"}');
    expect(body.cancelled()).toBe(true);
  });

  it("a refused upgrade: the core's answer, and Connection: close", async () => {
    const refusal = { status: 400, headers: { "Content-Type": "application/json" }, body: '{"code":1,"message":"Session ID unknown"}' };
    const upgrade = new Request("http://x/socket.io/?EIO=4&transport=websocket&sid=x", { headers: { Upgrade: "websocket", Connection: "Upgrade" } });
    const response = (await handleFetch(scriptedEngine(async () => refusal, { kind: "reject", response: refusal }), upgrade, { remoteAddress: "" }, () => undefined))!;
    expect(response.status).toBe(400);
    expect(response.headers.get("connection")).toBe("close");
    expect(await response.text()).toBe('{"code":1,"message":"Session ID unknown"}');
    expect(handshakeRefused().headers.get("connection")).toBe("close");
  });
});

describe("toEngineRequest's releaseBody", () => {
  it("says whole for a request without a body, and cut (cancelling it) for one never read", () => {
    expect(toEngineRequest(new Request("http://x/"), { remoteAddress: "" }).releaseBody()).toBe("whole");
    const body = stalledBody("4h");
    expect(toEngineRequest(post(body.stream), { remoteAddress: "" }).releaseBody()).toBe("cut");
    expect(body.cancelled()).toBe(true);
  });
});
