// Churn leaves nothing behind: thousands of connections over both transports, each ending
// one of the ways a connection can end (clean leave, dropped socket, server disconnect,
// ping timeout, parse error, connect timeout, aborted poll, upgrade then drop, pending
// acks, dynamic namespaces), and afterwards the server holds exactly what it held before —
// no session, no deadline, no socket, no room, no namespace — and every session object
// is collectable.

import { describe, expect, it } from "vitest";
import type { EngineRequest } from "../../src/engine/contract.js";
import { aliveAfterGc } from "./support/gc.js";
import { Peer, Q, footprint, request, settle, upgradeRequest, world } from "./support/world.js";
import type { World } from "./support/world.js";

type Ending = (w: World, refs: WeakRef<object>[]) => Promise<void>;

const hold = (w: World, sid: string, refs: WeakRef<object>[]): void => {
  const session = w.io.engine.clients.get(sid);
  if (session !== undefined) refs.push(new WeakRef(session));
};

const ENDINGS: Record<string, Ending> = {
  async "websocket: ack round trip, leave the namespace, close packet"(w, refs) {
    const c = await w.joined();
    hold(w, c.sid, refs);
    c.send('421["echo",{"a":1}]', "41", "1");
  },
  async "websocket: join a room, then the TCP connection drops"(w, refs) {
    const c = await w.joined();
    hold(w, c.sid, refs);
    c.send('42["join","lobby"]');
    await settle();
    c.conn.closed(1006, "");
  },
  async "websocket: the server disconnects it with a pending timed ack"(w, refs) {
    const c = await w.joined();
    hold(w, c.sid, refs);
    c.send('42["pending-ack-then-kick"]');
  },
  async "websocket: garbage (parse error)"(w, refs) {
    const c = await w.joined();
    hold(w, c.sid, refs);
    c.send('42["echo"', "4\u0000");
  },
  async "websocket: never answers pings (ping timeout later)"(w, refs) {
    const c = await w.joined();
    hold(w, c.sid, refs);
  },
  async "websocket: never sends CONNECT (connect timeout later)"(w, refs) {
    const c = await w.websocket();
    hold(w, c.sid, refs);
  },
  async "websocket: dynamic namespace, then leaves"(w, refs) {
    const c = await w.websocket();
    hold(w, c.sid, refs);
    c.send(`40/dyn-${refs.length % 50},`, `421/dyn-${refs.length % 50},["echo",1]`);
    await settle();
    c.conn.closed(1000, "");
  },
  async "polling: connect, event, close packet"(w, refs) {
    const { sid } = await w.polling();
    hold(w, sid, refs);
    await w.post(sid, '40\x1e421["echo","p"]');
    await w.get(sid);
    await w.post(sid, "1");
  },
  async "polling: the parked GET is aborted"(w, refs) {
    const { sid } = await w.polling();
    hold(w, sid, refs);
    await w.post(sid, "40");
    await w.get(sid);
    const get: EngineRequest = request("GET", `${Q}&transport=polling&sid=${sid}`);
    void w.io.engine.handleRequest(get);
    await settle();
    w.io.engine.requestAborted(get);
  },
  async "polling: stops polling (ping timeout later)"(w, refs) {
    const { sid } = await w.polling();
    hold(w, sid, refs);
    await w.post(sid, "40");
  },
  async "polling: upgrades, then the websocket drops"(w, refs) {
    const { sid } = await w.polling();
    hold(w, sid, refs);
    await w.post(sid, "40");
    await w.get(sid);
    const verdict = await w.io.engine.handleUpgrade(upgradeRequest(`${Q}&transport=websocket&sid=${sid}`));
    if (verdict.kind !== "accept") throw new Error("upgrade refused");
    const peer = new Peer();
    const conn = verdict.open(peer);
    conn.message("2probe");
    conn.message("5");
    conn.message('421["echo","upgraded"]');
    await settle();
    conn.closed(1001, "");
  },
  async "polling: a probe that never finishes (upgrade timeout), then the client leaves"(w, refs) {
    const { sid } = await w.polling();
    hold(w, sid, refs);
    const verdict = await w.io.engine.handleUpgrade(upgradeRequest(`${Q}&transport=websocket&sid=${sid}`));
    if (verdict.kind === "accept") verdict.open(new Peer()).message("2probe");
  },
};

describe("churn", () => {
  it("3000 connections ending every way: afterwards the server holds what it held before, and the sessions are collectable", async () => {
    const w = world({ cleanupEmptyChildNamespaces: true, upgradeTimeout: 5000 });
    w.io.of(/^\/dyn-\d+$/).on("connection", (socket) => {
      socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value));
    });
    w.io.on("connection", (socket) => {
      socket.on("join", (room: string) => socket.join(room));
      socket.on("pending-ack-then-kick", () => {
        socket.timeout(60_000).emit("question", () => {});
        socket.disconnect(true);
      });
    });
    const before = footprint(w.io);
    const endings = Object.values(ENDINGS);
    const refs: WeakRef<object>[] = [];
    let peak = 0;
    for (let i = 0; i < 3000; i++) {
      await endings[i % endings.length]!(w, refs);
      await settle();
      peak = Math.max(peak, w.io.engine.clientsCount);
      // Time moves on now and then: heartbeats, connect and upgrade timeouts fire mid-churn.
      if (i % 100 === 99) w.clock.advance(10_000);
    }
    w.clock.advance(200_000);
    await settle();
    expect(refs.length).toBe(3000);
    expect(peak).toBeGreaterThan(100); // sessions that wait for a timeout pile up in between
    expect(footprint(w.io)).toEqual(before);
    expect(w.errors).toEqual([]);
    expect(await aliveAfterGc(refs)).toBe(0);
  });
});
