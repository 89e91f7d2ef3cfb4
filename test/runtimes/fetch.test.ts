// The web-standard translation shared by the Deno, Bun and Cloudflare shims, tested in Node
// (which has Request/Response/ReadableStream) against a fake engine and a fake WebSocket.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { EngineRequest, EngineResponse, UpgradeVerdict } from "../../src/engine/contract.js";
import {
  type FetchEngine,
  type StandardWebSocket,
  engineOf,
  handleFetch,
  pathAndQuery,
  readBody,
  timedEngineOf,
  timerClock,
  toEngineRequest,
  toResponse,
  webSocketPeer,
} from "../../runtimes/fetch.js";

const encoder = new TextEncoder();

/** A body stream that yields `chunks` on demand and records how far it was read. */
function chunkedStream(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled];
      if (next === undefined) controller.close();
      else {
        pulled++;
        controller.enqueue(next);
      }
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

function post(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1:3000/socket.io/?EIO=4&transport=polling&sid=abc", {
    method: "POST",
    body,
    headers,
    duplex: "half",
  } as RequestInit);
}

describe("pathAndQuery", () => {
  it.each([
    ["http://127.0.0.1:3000/socket.io/?EIO=4&transport=polling", "/socket.io/?EIO=4&transport=polling"],
    ["https://example.com/", "/"],
    ["http://example.com", "/"],
    ["http://example.com/a/b?x=%2F//y", "/a/b?x=%2F//y"],
  ])("%s → %s", (url, expected) => {
    expect(pathAndQuery(url)).toBe(expected);
  });
});

describe("toEngineRequest", () => {
  it("carries method, request target, lower-case headers and the connection info", () => {
    const request = new Request("http://127.0.0.1:3000/socket.io/?EIO=4&transport=polling&t=x", {
      headers: { "X-Custom": "a", Origin: "http://app.example" },
    });
    const req = toEngineRequest(request, { remoteAddress: "10.0.0.7" });
    expect(req.method).toBe("GET");
    expect(req.url).toBe("/socket.io/?EIO=4&transport=polling&t=x");
    expect(req.headers["x-custom"]).toBe("a");
    expect(req.headers["origin"]).toBe("http://app.example");
    expect(req.remoteAddress).toBe("10.0.0.7");
    expect(req.secure).toBe(false);
  });

  it("is secure over https unless the runtime says otherwise", () => {
    const request = new Request("https://example.com/socket.io/");
    expect(toEngineRequest(request, { remoteAddress: "" }).secure).toBe(true);
    expect(toEngineRequest(request, { remoteAddress: "", secure: false }).secure).toBe(false);
  });
});

describe("readBody", () => {
  it("reads text and bytes", async () => {
    expect(await readBody(post("4hello"), 100, "text")).toBe("4hello");
    const bytes = await readBody(post(new Uint8Array([1, 2, 255])), 100, "bytes");
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).toEqual([1, 2, 255]);
  });

  it("gives an empty body for a request without one", async () => {
    const get = new Request("http://x/socket.io/");
    expect(await readBody(get, 10, "text")).toBe("");
    expect(await readBody(new Request("http://x/socket.io/"), 10, "bytes")).toEqual(new Uint8Array(0));
  });

  it("joins a UTF-8 character split across chunks", async () => {
    const euro = encoder.encode("4€!"); // 34 e2 82 ac 21
    const { stream } = chunkedStream([euro.subarray(0, 2), euro.subarray(2, 3), euro.subarray(3)]);
    expect(await readBody(post(stream), 100, "text")).toBe("4€!");
  });

  it("joins binary chunks in order", async () => {
    const { stream } = chunkedStream([new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5])]);
    expect([...((await readBody(post(stream), 5, "bytes")) as Uint8Array)]).toEqual([1, 2, 3, 4, 5]);
  });

  it("accepts a body of exactly the limit", async () => {
    expect(await readBody(post("12345"), 5, "text")).toBe("12345");
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const { stream, pulled } = chunkedStream([encoder.encode("123456")]);
    expect(await readBody(post(stream, { "content-length": "6" }), 5, "text")).toBeUndefined();
    expect(pulled()).toBe(0);
  });

  it("reads a body with a declared Content-Length within the limit whole (the runtime frames it)", async () => {
    const wholeReads: string[] = [];
    const declared = (body: string | Uint8Array): Request => {
      const request = post(body as string | Uint8Array<ArrayBuffer>, { "content-length": String(typeof body === "string" ? encoder.encode(body).length : body.length) });
      for (const read of ["text", "arrayBuffer"] as const) {
        const original = request[read].bind(request);
        Object.defineProperty(request, read, { value: () => (wholeReads.push(read), original()) });
      }
      return request;
    };
    expect(await readBody(declared("4€!"), 5, "text")).toBe("4€!");
    expect([...((await readBody(declared(new Uint8Array([1, 2, 3])), 3, "bytes")) as Uint8Array)]).toEqual([1, 2, 3]);
    expect(wholeReads).toEqual(["text", "arrayBuffer"]);
  });

  it("still refuses a whole body over the limit that its Content-Length understated", async () => {
    // A runtime frames the body by its Content-Length; this one (a test's Request) does not.
    expect(await readBody(post("123456", { "content-length": "3" }), 5, "bytes")).toBeUndefined();
    expect(await readBody(post("123456", { "content-length": "3" }), 5, "text")).toBeUndefined();
  });

  it("stops reading and cancels the stream once an undeclared body passes the limit", async () => {
    const chunk = new Uint8Array(4);
    const { stream, pulled, cancelled } = chunkedStream([chunk, chunk, chunk, chunk, chunk, chunk]);
    expect(await readBody(post(stream), 10, "bytes")).toBeUndefined();
    expect(pulled()).toBe(3); // 4 + 4 + 4 > 10: the third chunk is the last one read
    await Promise.resolve();
    expect(cancelled()).toBe(true);
  });
});

describe("toResponse", () => {
  it("writes status, headers and a text body", async () => {
    const response = toResponse({ status: 400, headers: { "Content-Type": "application/json" }, body: '{"code":3,"message":"Bad request"}' });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe('{"code":3,"message":"Bad request"}');
  });

  it("writes a binary body", async () => {
    const response = toResponse({ status: 200, headers: {}, body: new Uint8Array([0, 1, 2]) });
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2]);
  });

  it("drops the body of a 204 (a Response with a null-body status cannot have one)", async () => {
    const response = toResponse({ status: 204, headers: { "Access-Control-Allow-Origin": "*" }, body: "" });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.body).toBeNull();
  });
});

/** An engine that records what the shim hands it; each answer is settled by the test. */
function fakeEngine() {
  const calls: string[] = [];
  let answer: (response: EngineResponse) => void = () => {};
  let verdict: UpgradeVerdict | undefined;
  const engine: FetchEngine = {
    options: { maxHttpBufferSize: 1000, pingInterval: 25_000, pingTimeout: 20_000 },
    handles: (url) => url.startsWith("/socket.io/"),
    handleRequest(req: EngineRequest) {
      calls.push(`request ${req.method} ${req.url}`);
      return new Promise((resolve) => (answer = resolve));
    },
    requestAborted(req: EngineRequest) {
      calls.push(`aborted ${req.url}`);
    },
    async handleUpgrade(req: EngineRequest) {
      calls.push(`upgrade ${req.url}`);
      return verdict!;
    },
    useClock: () => calls.push("clock"),
    tick: () => calls.push("tick"),
  };
  return {
    engine,
    calls,
    answer: (response: EngineResponse) => answer(response),
    decide: (v: UpgradeVerdict) => (verdict = v),
  };
}

const ok: EngineResponse = { status: 200, headers: { "Content-Type": "text/plain; charset=UTF-8" }, body: "ok" };

describe("handleFetch", () => {
  it("hands polling requests to handleRequest and writes the answer", async () => {
    const { engine, calls, answer } = fakeEngine();
    const pending = handleFetch(engine, post("4hi"), { remoteAddress: "" }, () => undefined);
    await Promise.resolve();
    answer(ok);
    const response = await pending;
    expect(await response!.text()).toBe("ok");
    expect(calls).toEqual(["request POST /socket.io/?EIO=4&transport=polling&sid=abc"]);
  });

  it("reports a parked request whose client went away, and only while it is pending", async () => {
    const { engine, calls, answer } = fakeEngine();
    const abort = new AbortController();
    const request = new Request("http://x/socket.io/?sid=1", { signal: abort.signal });
    const pending = handleFetch(engine, request, { remoteAddress: "" }, () => undefined);
    abort.abort();
    answer(ok);
    await pending;
    const done = new AbortController();
    const second = handleFetch(engine, new Request("http://x/socket.io/?sid=2", { signal: done.signal }), { remoteAddress: "" }, () => undefined);
    answer(ok);
    await second;
    done.abort(); // after the answer: nothing to report
    expect(calls).toEqual(["request GET /socket.io/?sid=1", "aborted /socket.io/?sid=1", "request GET /socket.io/?sid=2"]);
  });

  it("leaves a POST's signal alone: the core parks no POST, and a vanished client fails its body", async () => {
    const { engine, calls, answer } = fakeEngine();
    const request = post("4hi");
    Object.defineProperty(request, "signal", { get: () => { throw new Error("watched"); } });
    const pending = handleFetch(engine, request, { remoteAddress: "" }, () => undefined);
    await Promise.resolve();
    answer(ok);
    expect(await (await pending)!.text()).toBe("ok");
    expect(calls).toEqual(["request POST /socket.io/?EIO=4&transport=polling&sid=abc"]);
  });

  it("reports a request that was aborted before it reached the core", async () => {
    const { engine, calls, answer } = fakeEngine();
    const abort = new AbortController();
    abort.abort();
    const pending = handleFetch(engine, new Request("http://x/socket.io/?sid=1", { signal: abort.signal }), { remoteAddress: "" }, () => undefined);
    answer(ok);
    await pending;
    expect(calls).toEqual(["request GET /socket.io/?sid=1", "aborted /socket.io/?sid=1"]);
  });

  /** A chunked body that sends `first` and then nothing, ever; records whether it was cancelled. */
  function endlessBody(first: string): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
    let sent = false;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return new Promise<void>(() => {}); // the rest never comes
        sent = true;
        controller.enqueue(encoder.encode(first));
        return undefined;
      },
      cancel() {
        cancelled = true;
      },
    }, { highWaterMark: 0 });
    return { stream, cancelled: () => cancelled };
  }

  it("cancels a POST body the core answered before it ended, and the unfinished read fails", async () => {
    const { engine } = fakeEngine();
    const body = endlessBody("4h");
    let read: Promise<unknown> = Promise.resolve();
    let answer: (response: EngineResponse) => void = () => {};
    engine.handleRequest = (req) => {
      read = req.readBody(1000, "text").then(() => "read", () => "failed");
      return new Promise((resolve) => (answer = resolve)); // answered early, as when the session ends
    };
    const pending = handleFetch(engine, post(body.stream), { remoteAddress: "" }, () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.cancelled()).toBe(false);
    answer({ status: 400, headers: {}, body: '{"code":1,"message":"Session ID unknown"}' });
    expect((await pending)!.status).toBe(400);
    expect(body.cancelled()).toBe(true);
    expect(await read).toBe("failed");
  });

  it("cancels a POST body the core answered without reading it", async () => {
    const { engine, answer } = fakeEngine();
    const body = endlessBody("4h");
    const pending = handleFetch(engine, post(body.stream), { remoteAddress: "" }, () => undefined);
    await Promise.resolve();
    answer({ status: 400, headers: {}, body: "" });
    await pending;
    expect(body.cancelled()).toBe(true);
  });

  it("leaves a POST body that was read to its end alone", async () => {
    const { engine } = fakeEngine();
    const { stream, cancelled } = chunkedStream([encoder.encode("4h"), encoder.encode("i")]);
    engine.handleRequest = async (req) => ({ status: 200, headers: {}, body: String(await req.readBody(1000, "text")) });
    const response = await handleFetch(engine, post(stream), { remoteAddress: "" }, () => undefined);
    expect(await response!.text()).toBe("4hi");
    expect(cancelled()).toBe(false);
  });

  const upgradeRequest = () =>
    new Request("http://x/socket.io/?EIO=4&transport=websocket", { headers: { Upgrade: "WebSocket", Connection: "Upgrade" } });

  it("writes the core's refusal of an upgrade without calling the runtime's upgrade", async () => {
    const { engine, calls, decide } = fakeEngine();
    decide({ kind: "reject", response: { status: 400, headers: {}, body: '{"code":3,"message":"Bad request"}' } });
    const upgrader = vi.fn(() => undefined);
    const response = await handleFetch(engine, upgradeRequest(), { remoteAddress: "" }, upgrader);
    expect(response!.status).toBe(400);
    expect(await response!.text()).toBe('{"code":3,"message":"Bad request"}');
    expect(upgrader).not.toHaveBeenCalled();
    expect(calls).toEqual(["upgrade /socket.io/?EIO=4&transport=websocket"]);
  });

  it("runs the runtime's upgrade for an accepted one and returns what it returns", async () => {
    const { engine, decide } = fakeEngine();
    const verdict: UpgradeVerdict = { kind: "accept", open: () => ({ message() {}, drained() {}, closed() {} }) };
    decide(verdict);
    const switching = new Response(null, { status: 200 });
    const upgrader = vi.fn(() => switching);
    expect(await handleFetch(engine, upgradeRequest(), { remoteAddress: "" }, upgrader)).toBe(switching);
    expect(upgrader).toHaveBeenCalledWith(verdict);
  });
});

describe("engineOf / timedEngineOf", () => {
  it("takes the engine of a Server-like host or the engine itself, attaching no clock", () => {
    const { engine, calls } = fakeEngine();
    expect(engineOf({ engine })).toBe(engine);
    expect(engineOf(engine)).toBe(engine);
    expect(calls).toEqual([]);
  });

  it("attaches one timer clock per engine, however many handlers ask", () => {
    const { engine, calls } = fakeEngine();
    expect(timedEngineOf({ engine })).toBe(engine);
    expect(timedEngineOf(engine)).toBe(engine);
    expect(calls).toEqual(["clock"]);
  });
});

afterEach(() => {
  vi.useRealTimers();
});

/** A WebSocket whose queue the test fills and empties by hand. */
function fakeSocket(closeThrowsFor?: number) {
  const sent: Array<string | Uint8Array> = [];
  const closes: unknown[][] = [];
  const ws: StandardWebSocket & { bufferedAmount: number; readyState: number } = {
    readyState: 1,
    bufferedAmount: 0,
    send(data) {
      sent.push(data);
      this.bufferedAmount += typeof data === "string" ? data.length : data.byteLength;
    },
    close(...args: unknown[]) {
      if (args[0] !== undefined && args[0] === closeThrowsFor) throw new Error("InvalidAccessError");
      closes.push(args);
    },
  };
  return { ws, sent, closes };
}

describe("webSocketPeer", () => {
  it("sends each packet as one message, in order", () => {
    const { ws, sent } = fakeSocket();
    const peer = webSocketPeer(ws, () => {});
    expect(peer.send([{ data: "40" }, { data: new Uint8Array([1, 2]) }, { data: "42[\"x\"]" }])).toBe(true);
    expect(sent).toEqual(["40", new Uint8Array([1, 2]), '42["x"]']);
  });

  it("reports backpressure over the high-water mark and drained once the queue fell to half", () => {
    vi.useFakeTimers();
    const { ws } = fakeSocket();
    const drained = vi.fn();
    const peer = webSocketPeer(ws, drained, { highWaterMark: 10 });
    expect(peer.send([{ data: "4xxxxxxxxx" }])).toBe(true); // 10 bytes: at the mark
    expect(peer.send([{ data: "4" }])).toBe(false);
    vi.advanceTimersByTime(100);
    ws.bufferedAmount = 6;
    vi.advanceTimersByTime(64);
    expect(drained).not.toHaveBeenCalled();
    ws.bufferedAmount = 5;
    vi.advanceTimersByTime(64);
    expect(drained).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(drained).toHaveBeenCalledTimes(1);
  });

  it("stops watching a congested socket once it closes", () => {
    vi.useFakeTimers();
    const { ws } = fakeSocket();
    const drained = vi.fn();
    const peer = webSocketPeer(ws, drained, { highWaterMark: 1 });
    expect(peer.send([{ data: "4ab" }])).toBe(false);
    ws.readyState = 3;
    ws.bufferedAmount = 0;
    vi.advanceTimersByTime(1000);
    expect(drained).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("drops sends on a socket that is no longer open", () => {
    const { ws, sent } = fakeSocket();
    ws.readyState = 2;
    expect(webSocketPeer(ws, () => {}).send([{ data: "4x" }])).toBe(true);
    expect(sent).toEqual([]);
  });

  it("closes with the core's code, or without one when the web API refuses that code", () => {
    const plain = fakeSocket();
    webSocketPeer(plain.ws, () => {}).close(1000, "bye");
    expect(plain.closes).toEqual([[1000, "bye"]]);
    const strict = fakeSocket(1009);
    webSocketPeer(strict.ws, () => {}).close(1009, "too big");
    expect(strict.closes).toEqual([[]]);
  });
});

describe("timerClock", () => {
  it("keeps one timer: a new deadline replaces the old one, undefined cancels", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const tick = vi.fn();
    const clock = timerClock(tick);
    expect(clock.now()).toBe(1_000_000);
    clock.schedule(1_000_500);
    clock.schedule(1_000_200);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(199);
    expect(tick).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(tick).toHaveBeenCalledTimes(1);
    clock.schedule(1_000_300);
    clock.schedule(undefined);
    vi.advanceTimersByTime(10_000);
    expect(tick).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fires at once for a deadline already past", () => {
    vi.useFakeTimers({ now: 5000 });
    const tick = vi.fn();
    timerClock(tick).schedule(4000);
    vi.advanceTimersByTime(0);
    expect(tick).toHaveBeenCalledTimes(1);
  });
});
