// The Socket.IO layer over the real EngineServer: fake WebSocket peers and fake HTTP
// requests, time from a ManualClock. Engine sessions and sockets draw ids from the same
// counter ("id1", "id2", …), so the wire strings below show which is which.

import { describe, expect, it } from "vitest";
import type { EngineRequest, WebSocketConnection, WebSocketPeer, WirePacket } from "../../src/engine/contract.js";
import { Server } from "../../src/io/server.js";
import type { ServerOptions } from "../../src/io/server.js";
import type { Socket } from "../../src/io/socket.js";
import { ManualClock } from "../support/manual-clock.js";

class Peer implements WebSocketPeer {
  packets: WirePacket[] = [];
  closed: { code: number; reason: string } | undefined;
  send(packets: readonly WirePacket[]): boolean {
    this.packets.push(...packets);
    return true;
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
  get sent(): Array<string | Uint8Array> {
    return this.packets.map((p) => p.data);
  }
  take(): Array<string | Uint8Array> {
    const sent = this.sent;
    this.packets = [];
    return sent;
  }
}

/** A valid WebSocket opening handshake (the engine checks it on every upgrade). */
const WEBSOCKET_HANDSHAKE = { "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" };

function request(method: string, url: string, body = ""): EngineRequest {
  return {
    method,
    url,
    headers: { host: "example.test", ...(url.includes("transport=websocket") ? WEBSOCKET_HANDSHAKE : {}) },
    remoteAddress: "192.0.2.1",
    secure: false,
    readBody: () => Promise.resolve(body),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function world(options: ServerOptions = {}) {
  const clock = new ManualClock();
  let n = 0;
  const io = new Server({ clock, generateId: () => `id${++n}`, ...options });
  clock.bind(() => io.engine.tick());
  const sockets: Socket[] = [];
  io.on("connection", (socket) => {
    sockets.push(socket);
  });
  const websocket = async (): Promise<{ peer: Peer; ws: WebSocketConnection }> => {
    const verdict = await io.engine.handleUpgrade(request("GET", "/socket.io/?EIO=4&transport=websocket"));
    if (verdict.kind !== "accept") throw new Error("upgrade refused");
    const peer = new Peer();
    const ws = verdict.open(peer);
    return { peer, ws };
  };
  return { io, clock, sockets, websocket };
}

const OPEN = (sid: string, upgrades = "[]") =>
  `0{"sid":"${sid}","upgrades":${upgrades},"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`;

describe("Socket.IO over the real engine", () => {
  it("websocket: handshake, CONNECT, an event with an ack both ways", async () => {
    const { io, sockets, websocket } = world();
    const { peer, ws } = await websocket();
    expect(peer.take()).toEqual([OPEN("id1")]);
    io.on("connection", (socket) => {
      socket.on("add", (a: number, b: number, ack: (sum: number) => void) => ack(a + b));
    });
    ws.message("40");
    await settle();
    expect(peer.take()).toEqual(['40{"sid":"id2"}']);
    expect(sockets[0]!.id).toBe("id2");
    expect(sockets[0]!.conn.id).toBe("id1");
    expect(sockets[0]!.handshake.address).toBe("192.0.2.1");
    ws.message('421["add",2,3]');
    await settle();
    expect(peer.take()).toEqual(["431[5]"]);
    const answer = sockets[0]!.emitWithAck("hello", "you");
    await settle();
    expect(peer.take()).toEqual(['420["hello","you"]']);
    ws.message('430["fine"]');
    await expect(answer).resolves.toBe("fine");
  });

  it("binary both ways: attachments as separate binary frames", async () => {
    const { sockets, websocket } = world();
    const { peer, ws } = await websocket();
    ws.message("40");
    await settle();
    peer.take();
    const got: unknown[] = [];
    sockets[0]!.on("bin", (data: unknown) => got.push(data));
    ws.message('451-["bin",{"_placeholder":true,"num":0}]');
    ws.message(new Uint8Array([5, 6]));
    expect(got).toEqual([new Uint8Array([5, 6])]);
    sockets[0]!.emit("back", new Uint8Array([9]));
    await settle();
    expect(peer.take()).toEqual(['451-["back",{"_placeholder":true,"num":0}]', new Uint8Array([9])]);
  });

  it("a broadcast hands the same WirePacket objects to every peer", async () => {
    const { io, websocket } = world();
    const a = await websocket();
    const b = await websocket();
    a.ws.message("40");
    b.ws.message("40");
    await settle();
    a.peer.take();
    b.peer.take();
    io.emit("news", new Uint8Array([1, 2, 3]));
    await settle();
    expect(a.peer.sent).toEqual(['451-["news",{"_placeholder":true,"num":0}]', new Uint8Array([1, 2, 3])]);
    expect(b.peer.packets[0]).toBe(a.peer.packets[0]);
    expect(b.peer.packets[1]).toBe(a.peer.packets[1]);
  });

  it("a ping timeout reaches the socket as 'ping timeout'", async () => {
    const { sockets, websocket, clock } = world();
    const { ws } = await websocket();
    ws.message("40");
    await settle();
    const reasons: string[] = [];
    sockets[0]!.on("disconnect", (reason) => reasons.push(reason));
    clock.advance(25_000 + 20_000);
    expect(reasons).toEqual(["ping timeout"]);
  });

  it("ack timeouts run on the engine's timers", async () => {
    const { sockets, websocket, clock } = world();
    const { ws } = await websocket();
    ws.message("40");
    await settle();
    const got: unknown[] = [];
    sockets[0]!.timeout(3000).emit("q", (err: unknown) => got.push(err));
    clock.advance(2999);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got).toEqual([new Error("operation has timed out")]);
  });

  it("the connect timeout closes a session that joins nothing", async () => {
    const { websocket, clock, io } = world({ connectTimeout: 1000 });
    const { peer } = await websocket();
    peer.take();
    clock.advance(1000);
    await settle();
    expect(peer.sent).toEqual(["1"]);
    expect(peer.closed).toBeDefined();
    expect(io.engine.clientsCount).toBe(0);
  });

  it("disconnect(true) delivers the DISCONNECT before the close packet", async () => {
    const { sockets, websocket } = world();
    const { peer, ws } = await websocket();
    ws.message("40");
    await settle();
    peer.take();
    sockets[0]!.disconnect(true);
    await settle();
    expect(peer.sent).toEqual(["41", "1"]);
    expect(peer.closed).toBeDefined();
  });

  it("a parse error closes the session and the socket sees 'parse error'", async () => {
    const { sockets, websocket } = world();
    const { peer, ws } = await websocket();
    ws.message("40");
    await settle();
    const reasons: string[] = [];
    sockets[0]!.on("disconnect", (reason) => reasons.push(reason));
    ws.message('42["disconnect"]');
    await settle();
    expect(reasons).toEqual(["parse error"]);
    expect(peer.closed).toBeDefined();
  });

  it("io.close(): 'server shutting down', and every session closed", async () => {
    const { io, sockets, websocket } = world();
    const { peer, ws } = await websocket();
    ws.message("40");
    await settle();
    const reasons: string[] = [];
    sockets[0]!.on("disconnect", (reason) => reasons.push(reason));
    await io.close();
    expect(reasons).toEqual(["server shutting down"]);
    expect(peer.closed).toBeDefined();
    expect(io.engine.clientsCount).toBe(0);
  });

  it("polling: CONNECT by POST, the answer by GET, on the /socket.io/ path", async () => {
    const { io } = world();
    const open = await io.engine.handleRequest(request("GET", "/socket.io/?EIO=4&transport=polling"));
    expect(open.status).toBe(200);
    expect(open.body).toBe(OPEN("id1", '["websocket"]'));
    const post = await io.engine.handleRequest(request("POST", "/socket.io/?EIO=4&transport=polling&sid=id1", "40"));
    expect([post.status, post.body]).toEqual([200, "ok"]);
    const get = await io.engine.handleRequest(request("GET", "/socket.io/?EIO=4&transport=polling&sid=id1"));
    expect(get.body).toBe('40{"sid":"id2"}');
  });
});
