// After `engine.close()` the engine is closed for good: every session ends with "server
// shutting down" and no new one may open, over either transport, whatever was in flight.

import { describe, expect, it } from "vitest";
import { FakePeer, Q, fakeRequest, harness, pollingSession, settle, websocketSession } from "./fixtures.js";

const SHUTTING_DOWN = '{"code":4,"message":"Server shutting down"}';

describe("engine.close(): closed for good", () => {
  it("refuses a polling handshake with 503 and code 4, and reports it", async () => {
    const h = harness({ cors: { origin: "*" } });
    const errors: unknown[] = [];
    h.engine.on("connection_error", (e) => errors.push([e.code, e.message]));
    h.engine.close();
    const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    expect(res).toEqual({
      status: 503,
      headers: { "Access-Control-Allow-Origin": "*", "Content-Type": "application/json" },
      body: SHUTTING_DOWN,
    });
    expect(errors).toEqual([[4, "Server shutting down"]]);
    expect(h.engine.clientsCount).toBe(0);
    expect(h.sockets).toEqual([]);
  });

  it("refuses a websocket handshake the same way, before any 101", async () => {
    const h = harness();
    h.engine.close();
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
    expect(verdict).toEqual({
      kind: "reject",
      response: { status: 503, headers: { "Content-Type": "application/json" }, body: SHUTTING_DOWN },
    });
    expect(h.sockets).toEqual([]);
  });

  it("a client reconnecting with its old sid gets code 1, over either transport", async () => {
    const h = harness();
    await pollingSession(h);
    h.engine.close();
    const poll = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling&sid=s1`));
    expect(poll.body).toBe('{"code":1,"message":"Session ID unknown"}');
    const upgrade = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&sid=s1`));
    expect(upgrade.kind === "reject" && upgrade.response.body).toBe('{"code":1,"message":"Session ID unknown"}');
  });

  it("a handshake waiting on allowRequest when close() comes is refused, not opened", async () => {
    let allow!: (ok: boolean) => void;
    const h = harness({ allowRequest: () => new Promise<boolean>((resolve) => (allow = resolve)) });
    const polling = h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    await settle();
    const pendingAllow = allow;
    const websocket = h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
    await settle();
    h.engine.close();
    pendingAllow(true);
    allow(true);
    expect((await polling).status).toBe(503);
    const verdict = await websocket;
    expect(verdict.kind === "reject" && verdict.response.status).toBe(503);
    expect(h.sockets).toEqual([]);
    expect(h.engine.clientsCount).toBe(0);
  });

  it("a websocket accepted before close() but opened after it is closed at once (1001), no session", async () => {
    const h = harness();
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
    expect(verdict.kind).toBe("accept");
    if (verdict.kind !== "accept") return;
    h.engine.close();
    const peer = new FakePeer();
    const conn = verdict.open(peer);
    expect(peer.closedWith).toEqual({ code: 1001, reason: "server shutting down" });
    expect(peer.batches).toEqual([]);
    conn.message("4late"); // ignored
    conn.closed(1001, "");
    expect(h.sockets).toEqual([]);
    expect(h.engine.clientsCount).toBe(0);
    expect(h.engine.timers.size).toBe(0);
  });

  it("a probe accepted before close() but opened after it is refused", async () => {
    const h = harness();
    await pollingSession(h);
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&sid=s1`));
    if (verdict.kind !== "accept") throw new Error("refused");
    h.engine.close();
    const peer = new FakePeer();
    verdict.open(peer);
    expect(peer.closedWith?.code).toBe(1008);
    expect(h.engine.clientsCount).toBe(0);
  });

  it("a hibernated websocket is not restored into a closed engine", async () => {
    const h = harness();
    const { socket } = await websocketSession(h);
    const snapshot = socket.snapshot();
    if (snapshot === undefined) throw new Error("no snapshot");
    const fresh = harness();
    fresh.engine.close();
    const peer = new FakePeer();
    fresh.engine.restoreWebSocket(snapshot, peer);
    expect(peer.closedWith).toEqual({ code: 1001, reason: "server shutting down" });
    expect(fresh.engine.clientsCount).toBe(0);
  });

  it("still answers CORS preflights, and close() again changes nothing", async () => {
    const h = harness({ cors: { origin: "*" } });
    h.engine.close();
    h.engine.close();
    const preflight = await h.engine.handleRequest(fakeRequest("OPTIONS", `${Q}&transport=polling`, { headers: { origin: "https://a.test" } }));
    expect(preflight.status).toBe(204);
    const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    expect(res.status).toBe(503);
  });
});
