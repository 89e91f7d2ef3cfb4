// Memory is bounded, and given back. A client that stops reading is cut off once more than
// `maxBufferedBytes` waits for it ("write buffer full"), over either transport, while the
// others keep receiving; what it held becomes collectable. Polling bodies are capped before
// they are decoded. A request body that never ends must not hold anything once its session
// is over.

import { describe, expect, it } from "vitest";
import type { EngineResponse } from "../../src/engine/contract.js";
import type { EngineSocket } from "../../src/engine/socket.js";
import type { DisconnectReason } from "../../src/io/reasons.js";
import { aliveAfterGc } from "./support/gc.js";
import { EMPTY, Q, footprint, neverEndingPost, settle, world } from "./support/world.js";
import type { World, WsClient } from "./support/world.js";

const KB10 = "x".repeat(10_000);

/** Joins `count` websocket clients to room "r"; returns them with their server-side disconnect reasons. */
async function roomMembers(w: World, count: number): Promise<Array<WsClient & { reasons: DisconnectReason[] }>> {
  const members: Array<WsClient & { reasons: DisconnectReason[] }> = [];
  for (let i = 0; i < count; i++) {
    const client = await w.joined();
    members.push({ ...client, reasons: [] });
  }
  let i = 0;
  for (const socket of w.io.sockets.sockets.values()) {
    const member = members[i++]!;
    socket.join("r");
    socket.on("disconnect", (reason) => member.reasons.push(reason));
  }
  return members;
}

describe("slow consumers", () => {
  it("two websocket clients stop reading during a room broadcast: cut at the cap, the reader gets everything", async () => {
    const cap = 200_000;
    const w = world({ maxBufferedBytes: cap });
    const [reader, slow1, slow2] = await roomMembers(w, 3);
    reader!.peer.keep = false;
    reader!.peer.received = 0;
    slow1!.peer.accepting = false;
    slow2!.peer.accepting = false;
    const sessions = [...w.io.engine.clients.values()];
    let peak = 0;
    for (let n = 0; n < 2000; n++) {
      w.io.to("r").emit("news", KB10);
      for (const s of sessions) peak = Math.max(peak, s.bufferedBytes);
      await settle(2); // the event loop turns between emits: a reader's buffer is handed over
    }
    await settle();
    expect(peak).toBeLessThanOrEqual(cap);
    expect(reader!.peer.received).toBe(2000);
    for (const slow of [slow1!, slow2!]) {
      expect(slow.peer.closedWith).toEqual({ code: 1008, reason: "write buffer full" });
      expect(slow.reasons).toEqual(["write buffer full"]);
    }
    expect(reader!.peer.closedWith).toBeUndefined();
    expect(footprint(w.io)).toEqual({ ...EMPTY, sessions: 1, sockets: 1, timers: 1, rooms: 3 });
  });

  it("with the default cap (1e7 bytes), a client that never reads is cut once 10 MB wait for it", async () => {
    const w = world();
    expect(w.io.engine.options.maxBufferedBytes).toBe(1e7);
    const slow = await w.joined();
    slow.peer.accepting = false;
    slow.send('421["echo","fill the pipe"]'); // this answer is the last batch the peer takes
    await settle();
    const session = w.io.engine.clients.get(slow.sid) as EngineSocket;
    const socket = [...w.io.sockets.sockets.values()][0]!;
    let sent = 0;
    while (slow.peer.closedWith === undefined && sent < 2000) {
      socket.emit("news", KB10);
      sent++;
      expect(session.bufferedBytes).toBeLessThanOrEqual(1e7);
    }
    expect(slow.peer.closedWith).toEqual({ code: 1008, reason: "write buffer full" });
    // Each packet `42["news","x…"]` holds 10 013 bytes: the 999th crosses 1e7.
    expect(sent).toBe(999);
  });

  it("a burst of more than maxBufferedBytes in one tick goes out to a reader instead of cutting it", async () => {
    const w = world({ maxBufferedBytes: 100_000 });
    const reader = await w.joined();
    reader.peer.take();
    for (let n = 0; n < 25; n++) w.io.emit("news", KB10);
    await settle();
    expect(reader.peer.closedWith).toBeUndefined();
    const news = reader.peer.take().filter((f) => typeof f === "string" && f.startsWith('42["news"'));
    expect(news.length).toBe(25);
  });

  it("the same burst to a client under backpressure is cut at the cap", async () => {
    const w = world({ maxBufferedBytes: 100_000 });
    const slow = await w.joined();
    slow.peer.accepting = false;
    slow.send('421["echo","block"]');
    await settle();
    for (let n = 0; n < 25 && slow.peer.closedWith === undefined; n++) w.io.emit("news", KB10);
    await settle();
    expect(slow.peer.closedWith).toEqual({ code: 1008, reason: "write buffer full" });
  });

  it("a polling client that stops polling is cut at the cap too; later requests get code 1", async () => {
    const w = world({ maxBufferedBytes: 100_000 });
    const { sid } = await w.polling();
    await w.post(sid, "40");
    const reasons: DisconnectReason[] = [];
    w.io.on("connection", (socket) => socket.on("disconnect", (reason) => reasons.push(reason)));
    const first = String((await w.get(sid)).body);
    expect(first).toMatch(/^40\{"sid":/);
    for (let n = 0; n < 20 && w.io.engine.clients.has(sid); n++) w.io.emit("news", KB10);
    await settle();
    expect(w.io.engine.clients.has(sid)).toBe(false);
    expect((await w.get(sid)).body).toBe('{"code":1,"message":"Session ID unknown"}');
    expect(footprint(w.io)).toEqual(EMPTY);
  });

  it("volatile packets for a client that is not reading are dropped, not buffered", async () => {
    const w = world({ maxBufferedBytes: 100_000 });
    const slow = await w.joined();
    slow.peer.accepting = false;
    slow.send('421["echo","block"]');
    await settle();
    const session = w.io.engine.clients.get(slow.sid) as EngineSocket;
    for (let n = 0; n < 1000; n++) w.io.volatile.emit("news", KB10);
    expect(session.bufferedBytes).toBe(0);
    expect(slow.peer.closedWith).toBeUndefined();
  });

  it("what a cut-off client held is given back: its session, socket and buffered packets become collectable", async () => {
    const w = world({ maxBufferedBytes: 200_000 });
    const refs = await (async () => {
      const members = await roomMembers(w, 3);
      for (const m of members) m.peer.accepting = false;
      const held: WeakRef<object>[] = [];
      for (const session of w.io.engine.clients.values()) held.push(new WeakRef(session));
      for (const socket of w.io.sockets.sockets.values()) held.push(new WeakRef(socket));
      for (let n = 0; n < 100; n++) w.io.to("r").emit("news", `${n}${KB10}`);
      await settle();
      expect(members.every((m) => m.peer.closedWith?.reason === "write buffer full")).toBe(true);
      return held;
    })();
    expect(footprint(w.io)).toEqual(EMPTY);
    expect(await aliveAfterGc(refs)).toBe(0);
  });
});

describe("request bodies", () => {
  it("a POST whose body never ends is answered once its session is over, so the shim can let the connection go", async () => {
    const w = world({ pingInterval: 1000, pingTimeout: 1000 });
    const { sid } = await w.polling();
    let answer: EngineResponse | undefined;
    void w.io.engine.handleRequest(neverEndingPost(`${Q}&transport=polling&sid=${sid}`)).then((r) => {
      answer = r;
    });
    w.clock.advance(5000); // no GET, no pong: the heartbeat ends the session
    await settle();
    expect(w.io.engine.clients.has(sid)).toBe(false);
    expect(answer?.status).toBeGreaterThanOrEqual(400);
  });

  it("an unfinished POST does not stop its session from ending, nor block other sessions", async () => {
    const w = world({ pingInterval: 1000, pingTimeout: 1000 });
    const bystander = await w.joined();
    const { sid } = await w.polling();
    void w.io.engine.handleRequest(neverEndingPost(`${Q}&transport=polling&sid=${sid}`));
    w.clock.advance(5000);
    await settle();
    expect(w.io.engine.clients.has(sid)).toBe(false);
    expect(bystander.peer.closedWith?.reason).toBe("ping timeout"); // the bystander did not answer pings either
    expect(footprint(w.io)).toEqual(EMPTY);
  });
});
