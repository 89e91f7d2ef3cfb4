// The mechanisms that keep an idle session small: the layer above listens through one
// handler object (no listener closures), the heartbeat deadline is a timer whose `this` is the
// session (no closure per re-arm), and session ids come from a pool of random bytes.
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultGenerateId } from "../../src/engine/id.js";
import { intern, internValues } from "../../src/engine/intern.js";
import { Timers } from "../../src/engine/timers.js";
import type { EngineCloseReason } from "../../src/engine/types.js";
import { ManualClock } from "../support/manual-clock.js";
import { fakeRequest, harness, settle, websocketSession } from "./fixtures.js";

describe("EngineSocket.setHandler", () => {
  it("hears every message and the close once, before the on() listeners", async () => {
    const h = harness();
    const { socket, conn } = await websocketSession(h);
    const order: string[] = [];
    socket.on("message", (data) => order.push(`listener ${String(data)}`));
    socket.on("close", (reason) => order.push(`listener close ${reason}`));
    socket.setHandler({
      onMessage: (data) => order.push(`handler ${String(data)}`),
      onClose: (reason: EngineCloseReason, description?: string) => order.push(`handler close ${reason} ${description}`),
    });
    conn.message("4a");
    conn.message("4b");
    conn.closed(1000, "");
    conn.closed(1000, "");
    expect(order).toEqual([
      "handler a",
      "listener a",
      "handler b",
      "listener b",
      "handler close transport close websocket closed with code 1000",
      "listener close transport close",
    ]);
  });

  it("takes one handler per socket: a second is local misuse", async () => {
    const h = harness();
    const { socket } = await websocketSession(h);
    socket.setHandler({ onMessage() {}, onClose() {} });
    expect(() => socket.setHandler({ onMessage() {}, onClose() {} })).toThrow("already has a handler");
  });

  it("a handler that throws is reported, and the listeners after it still run", async () => {
    const report = vi.spyOn(console, "error").mockImplementation(() => {});
    const h = harness();
    const { socket, conn } = await websocketSession(h);
    const heard: string[] = [];
    socket.setHandler({
      onMessage() {
        throw new Error("handler bug");
      },
      onClose() {
        throw new Error("handler bug");
      },
    });
    socket.on("message", (data) => heard.push(String(data)));
    socket.on("close", (reason) => heard.push(reason));
    conn.message("4x");
    socket.close();
    expect(heard).toEqual(["x", "forced close"]);
    expect(report).toHaveBeenCalledTimes(2);
  });
});

describe("Timers with a target", () => {
  it("calls the function with the target as `this`, in deadline order with plain timers", () => {
    const clock = new ManualClock();
    const timers = new Timers(clock);
    clock.bind(() => timers.tick());
    const fired: string[] = [];
    const target = {
      name: "session",
      fire(this: { name: string }): void {
        fired.push(this.name);
      },
    };
    timers.set(20, target.fire, target);
    timers.set(10, () => fired.push("plain"));
    const cancelled = timers.set(15, target.fire, { name: "cancelled" });
    timers.cancel(cancelled);
    clock.advance(30);
    expect(fired).toEqual(["plain", "session"]);
    expect(timers.size).toBe(0);
  });

  it("a session's heartbeat keeps exactly one deadline through many pings", async () => {
    const h = harness({ pingInterval: 100, pingTimeout: 50 });
    const { peer, conn } = await websocketSession(h);
    for (let i = 0; i < 5; i++) {
      h.clock.advance(100);
      await settle();
      conn.message("3");
      expect(h.engine.timers.size).toBe(1);
    }
    expect(peer.sent.filter((p) => p === "2")).toHaveLength(5);
  });

  it("reset moves a pending, fired or cancelled handle to a new deadline, like cancel + set", () => {
    const clock = new ManualClock();
    const timers = new Timers(clock);
    clock.bind(() => timers.tick());
    const fired: string[] = [];
    const a = timers.set(10, () => fired.push(`a@${clock.now()}`));
    timers.set(20, () => fired.push(`b@${clock.now()}`));
    expect(timers.reset(a, 30)).toBe(a); // pending: moved behind b
    expect(timers.size).toBe(2);
    clock.advance(30);
    expect(fired).toEqual(["b@20", "a@30"]);
    expect(a.index).toBe(-1);
    timers.reset(a, 5); // fired: pending again
    timers.set(5, () => fired.push(`c@${clock.now()}`)); // same deadline, set later: fires later
    clock.advance(5);
    expect(fired).toEqual(["b@20", "a@30", "a@35", "c@35"]);
    timers.reset(a, 5);
    timers.cancel(a);
    timers.reset(a, 10); // cancelled: pending again
    clock.advance(10);
    expect(fired).toEqual(["b@20", "a@30", "a@35", "c@35", "a@45"]);
    expect(timers.size).toBe(0);
  });

  it("a session's heartbeat moves one handle: pings allocate no deadline of their own", async () => {
    const h = harness({ pingInterval: 100, pingTimeout: 50 });
    const { conn } = await websocketSession(h);
    const set = vi.spyOn(h.engine.timers, "set");
    for (let i = 0; i < 5; i++) {
      h.clock.advance(100);
      await settle();
      conn.message("3");
    }
    expect(set).not.toHaveBeenCalled();
    expect(h.engine.timers.size).toBe(1);
  });
});

describe("defaultGenerateId", () => {
  afterEach(() => vi.restoreAllMocks());

  it("draws random bytes for many ids at once, and never hands out the same bytes twice", () => {
    const draw = vi.spyOn(crypto, "getRandomValues");
    const ids = Array.from({ length: 1000 }, defaultGenerateId);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    // 1000 ids at 64 a draw: 16 draws (one more if the pool was part-used before).
    expect(draw.mock.calls.length).toBeGreaterThanOrEqual(15);
    expect(draw.mock.calls.length).toBeLessThanOrEqual(17);
  });

  it("writes the pool's bytes into the id as base64url, three bytes to four characters", () => {
    let call = 0;
    vi.spyOn(crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      const bytes = array as unknown as Uint8Array;
      // Every id of this draw: 0xfb 0xef 0xbe repeated ("++++" in base64, "----" in base64url),
      // except that each draw starts with three zero bytes ("AAAA").
      bytes.fill(0);
      for (let i = 3; i < bytes.length; i += 3) bytes.set([0xfb, 0xef, 0xbe], i);
      call++;
      return array;
    });
    // Use up whatever is left of the pool from earlier tests, until a fresh draw.
    let guard = 0;
    while (call === 0 && guard++ < 100) defaultGenerateId();
    // The id that used the draw's first bytes was the last one made in the loop.
    const next = defaultGenerateId();
    expect(next).toBe("--------------------");
  });
});

describe("what a session keeps of its handshake request", () => {
  it("keeps every header and query value as sent, a __proto__ key included, in shared copies", async () => {
    const h = harness();
    const url = "/engine.io/?EIO=4&transport=polling&__proto__=x&room=a%20b";
    await h.engine.handleRequest(fakeRequest("GET", url, { headers: { origin: "https://app.example", "x-custom": "v" } }));
    const request = h.sockets[0]!.request;
    expect(request.url).toBe(url);
    expect(request.query).toEqual(Object.fromEntries([["EIO", "4"], ["transport", "polling"], ["__proto__", "x"], ["room", "a b"]]));
    expect(Object.hasOwn(request.query, "__proto__")).toBe(true);
    expect(request.headers).toEqual({ origin: "https://app.example", "x-custom": "v" });
    expect(request.remoteAddress).toBe("127.0.0.1");
  });

  it("shares copies through a bounded table: values stay right after it starts over", () => {
    const values = Array.from({ length: 3000 }, (_, i) => `value-${i}`);
    expect(values.map(intern)).toEqual(values);
    expect(values.map(intern)).toEqual(values);
    const long = "x".repeat(1000);
    expect(intern(long)).toBe(long);
    expect(internValues({ a: "1", key: "unique", missing: undefined }, "key")).toEqual({ a: "1", key: "unique", missing: undefined });
  });
});
