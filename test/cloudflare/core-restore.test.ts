// The core hooks hibernation needs, without a runtime: `EngineSocket.snapshot()` and
// `EngineServer.restoreWebSocket(snapshot, peer)`, then the whole round trip with the
// Socket.IO layer (`client.snapshot()` / `io.restoreClient`) on a fresh `Server`, as a Durable
// Object does when it wakes. Time is a manual clock; nothing sleeps.
import { describe, expect, it } from "vitest";
import type { WebSocketConnection } from "../../src/engine/contract.js";
import { EngineServer } from "../../src/engine/server.js";
import type { EngineSocket } from "../../src/engine/socket.js";
import type { EngineSessionSnapshot } from "../../src/engine/snapshot.js";
import { Server } from "../../src/io/server.js";
import type { ClientSnapshot } from "../../src/io/snapshot.js";
import type { Socket } from "../../src/io/socket.js";
import { FakePeer, WEBSOCKET_HANDSHAKE, fakeRequest, harness, settle } from "../engine/fixtures.js";
import { ManualClock } from "../support/manual-clock.js";

const WS = "/engine.io/?EIO=4&transport=websocket";
const OPTIONS = { pingInterval: 1000, pingTimeout: 500 };

/** Opens a websocket session on `engine`; returns the session, its peer and the connection. */
async function openWebSocket(engine: EngineServer, url = WS) {
  const verdict = await engine.handleUpgrade(fakeRequest("GET", url, { headers: { "user-agent": "test" } }));
  if (verdict.kind !== "accept") throw new Error("upgrade refused");
  const peer = new FakePeer();
  const connection = verdict.open(peer);
  const session = [...engine.clients.values()].at(-1);
  if (session === undefined) throw new Error("no session");
  await settle();
  return { session, peer, connection };
}

/** A snapshot as it comes back from storage: plain JSON. */
function roundTrip(snapshot: EngineSessionSnapshot | undefined): EngineSessionSnapshot {
  if (snapshot === undefined) throw new Error("no snapshot");
  return JSON.parse(JSON.stringify(snapshot)) as EngineSessionSnapshot;
}

/** A fresh engine (a new isolate) on its own manual clock, set to `now`. */
function freshEngine(now: number) {
  const clock = new ManualClock();
  clock.time = now;
  const engine = new EngineServer({ ...OPTIONS, clock });
  clock.bind(() => engine.tick());
  const closes: string[] = [];
  return { engine, clock, closes };
}

function watchClose(session: EngineSocket | undefined, into: string[]): void {
  session?.on("close", (reason) => into.push(reason));
}

describe("EngineSocket.snapshot", () => {
  it("holds the session id, protocol, handshake request and the heartbeat's next deadline", async () => {
    const h = harness(OPTIONS);
    h.clock.time = 5000;
    const { session } = await openWebSocket(h.engine, `${WS}&foo=bar`);
    expect(roundTrip(session.snapshot())).toEqual({
      v: 1,
      sid: "s1",
      protocol: 4,
      request: {
        url: `${WS}&foo=bar`,
        headers: { ...WEBSOCKET_HANDSHAKE, "user-agent": "test" },
        query: { EIO: "4", transport: "websocket", foo: "bar" },
        remoteAddress: "127.0.0.1",
        secure: false,
      },
      heartbeat: "waiting",
      deadline: 6000,
    });
  });

  it("follows the heartbeat: the pong's deadline after a ping, the next ping's after the pong", async () => {
    const h = harness(OPTIONS);
    const { session, peer, connection } = await openWebSocket(h.engine);
    h.clock.advance(1000);
    await settle();
    expect(peer.sent.at(-1)).toBe("2");
    expect(session.snapshot()).toMatchObject({ heartbeat: "awaiting-pong", deadline: 1500 });
    h.clock.advance(100);
    connection.message("3");
    expect(session.snapshot()).toMatchObject({ heartbeat: "waiting", deadline: 2100 });
  });

  it("is undefined for a polling session and for a closed one", async () => {
    const h = harness(OPTIONS);
    await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=4&transport=polling"));
    expect(h.sockets[0]?.snapshot()).toBeUndefined();
    const { session } = await openWebSocket(h.engine);
    session.close();
    expect(session.snapshot()).toBeUndefined();
  });
});

describe("EngineServer.restoreWebSocket", () => {
  it("resumes the session over the kept WebSocket: nothing sent, no connection event, same id and request", async () => {
    const h = harness(OPTIONS);
    const { session } = await openWebSocket(h.engine);
    const saved = roundTrip(session.snapshot());

    const { engine } = freshEngine(200);
    const announced: unknown[] = [];
    engine.on("connection", (s) => announced.push(s.id));
    const peer = new FakePeer();
    engine.restoreWebSocket(saved, peer);
    await settle();
    const revived = engine.clients.get("s1");
    expect(revived?.readyState).toBe("open");
    expect(revived?.transport.name).toBe("websocket");
    expect(revived?.request).toEqual(saved.request);
    expect(peer.sent).toEqual([]);
    expect(announced).toEqual([]);
  });

  it("pings at the saved deadline, and closes with 'ping timeout' when no pong follows", async () => {
    const h = harness(OPTIONS);
    const { session } = await openWebSocket(h.engine);
    const saved = roundTrip(session.snapshot()); // next ping at 1000

    const { engine, clock, closes } = freshEngine(300);
    const peer = new FakePeer();
    engine.restoreWebSocket(saved, peer);
    watchClose(engine.clients.get("s1"), closes);
    clock.advance(699);
    await settle();
    expect(peer.sent).toEqual([]);
    clock.advance(1);
    await settle();
    expect(peer.sent).toEqual(["2"]);
    clock.advance(500);
    expect(closes).toEqual(["ping timeout"]);
    expect(peer.closedWith?.code).toBe(1000);
  });

  it("keeps a session whose client answers, and pings again one interval after the pong", async () => {
    const h = harness(OPTIONS);
    const { session } = await openWebSocket(h.engine);
    h.clock.advance(1000); // the ping went out: waiting for the pong until 1500
    const saved = roundTrip(session.snapshot());
    expect(saved).toMatchObject({ heartbeat: "awaiting-pong", deadline: 1500 });

    const { engine, clock, closes } = freshEngine(1200);
    const peer = new FakePeer();
    const connection: WebSocketConnection = engine.restoreWebSocket(saved, peer);
    watchClose(engine.clients.get("s1"), closes);
    connection.message("3");
    clock.advance(999);
    await settle();
    expect(peer.sent).toEqual([]);
    clock.advance(1);
    await settle();
    expect(peer.sent).toEqual(["2"]);
    expect(closes).toEqual([]);
  });

  it("acts on a deadline that passed while the process slept at the next tick", async () => {
    const h = harness(OPTIONS);
    const { session } = await openWebSocket(h.engine);
    const saved = roundTrip(session.snapshot()); // next ping at 1000

    const { engine, clock } = freshEngine(4000);
    const peer = new FakePeer();
    engine.restoreWebSocket(saved, peer);
    clock.advance(0);
    await settle();
    expect(peer.sent).toEqual(["2"]);
  });

  it("carries messages both ways after the restore", async () => {
    const h = harness(OPTIONS);
    const { session } = await openWebSocket(h.engine);
    const saved = roundTrip(session.snapshot());

    const { engine } = freshEngine(100);
    const peer = new FakePeer();
    const connection = engine.restoreWebSocket(saved, peer);
    const revived = engine.clients.get("s1");
    const heard: unknown[] = [];
    revived?.on("message", (data) => heard.push(data));
    connection.message("4hello");
    revived?.send("back");
    await settle();
    expect(heard).toEqual(["hello"]);
    expect(peer.sent).toEqual(["4back"]);
  });

  it("refuses a session id that is already live: closes the new peer, leaves the session alone", async () => {
    const h = harness(OPTIONS);
    const { session, peer: original } = await openWebSocket(h.engine);
    const saved = roundTrip(session.snapshot());
    const intruder = new FakePeer();
    const connection = h.engine.restoreWebSocket(saved, intruder);
    connection.message("1");
    expect(intruder.closedWith).toEqual({ code: 1011, reason: "session id taken" });
    expect(session.readyState).toBe("open");
    expect(original.closedWith).toBeUndefined();
  });

  it.each([
    ["not an object", 7],
    ["another version", { v: 2 }],
    ["an empty sid", { v: 1, sid: "", protocol: 4, heartbeat: "waiting", deadline: 1, request: {} }],
    ["a stopped heartbeat", { v: 1, sid: "a", protocol: 4, heartbeat: "stopped", deadline: 1, request: {} }],
    ["no deadline", { v: 1, sid: "a", protocol: 4, heartbeat: "waiting", request: {} }],
    ["a malformed request", { v: 1, sid: "a", protocol: 4, heartbeat: "waiting", deadline: 1, request: { url: 1 } }],
  ])("throws a TypeError for %s (local misuse), touching nothing", (_name, value) => {
    const { engine } = freshEngine(0);
    const peer = new FakePeer();
    expect(() => engine.restoreWebSocket(value as unknown as EngineSessionSnapshot, peer)).toThrow(TypeError);
    expect(engine.clientsCount).toBe(0);
    expect(peer.closedWith).toBeUndefined();
  });
});

describe("a whole connection across a hibernation (engine + Socket.IO)", () => {
  /** The application: the same handlers before and after. */
  function app(io: Server, log: string[]): void {
    io.use((socket, next) => {
      log.push(`middleware ${socket.nsp.name}`);
      next();
    });
    const onConnection = (socket: Socket) => {
      log.push(`connection ${socket.nsp.name} recovered=${String(socket.recovered)}`);
      socket.on("shout", (room: string, text: string) => socket.to(room).emit("shout", text));
    };
    io.on("connection", onConnection);
    io.of("/admin").on("connection", onConnection);
  }

  function server(now: number) {
    const clock = new ManualClock();
    clock.time = now;
    let n = 0;
    const io = new Server({ ...OPTIONS, clock, generateId: () => `s${++n}` });
    clock.bind(() => io.engine.tick());
    return { io, clock };
  }

  async function connect(io: Server, namespaces: string[]) {
    const { session, peer, connection } = await openWebSocket(io.engine, "/socket.io/?EIO=4&transport=websocket");
    for (const nsp of namespaces) connection.message(nsp === "/" ? "40" : `40${nsp},`);
    await settle();
    return { session, peer, connection };
  }

  it("restores ids, rooms and data in every namespace; re-runs connection handlers only; broadcasts reach the room", async () => {
    const before = server(0);
    app(before.io, []);
    const a = await connect(before.io, ["/", "/admin"]);
    const b = await connect(before.io, ["/"]);
    const c = await connect(before.io, ["/"]);
    const socketOf = (session: EngineSocket, nsp = "/") =>
      [...before.io.of(nsp).sockets.values()].find((s) => s.conn.id === session.id)!;
    socketOf(a.session).join("red");
    socketOf(a.session).data = { nick: "ann" };
    socketOf(a.session, "/admin").join("ops");
    socketOf(b.session).join("red");
    socketOf(c.session).join("blue");
    const saved = [a, b, c].map(({ session }) => ({
      engine: roundTrip(session.snapshot()),
      client: JSON.parse(JSON.stringify(socketOf(session).client.snapshot())) as ClientSnapshot,
    }));
    const ids = [a, b, c].map(({ session }) => socketOf(session).id);

    // The new instance: same application, sessions first, then the clients.
    const after = server(50);
    const log: string[] = [];
    app(after.io, log);
    const peers = saved.map(() => new FakePeer());
    const connections = saved.map(({ engine }, i) => after.io.engine.restoreWebSocket(engine, peers[i]!));
    saved.forEach(({ engine, client }) => after.io.restoreClient(after.io.engine.clients.get(engine.sid)!, client));
    await settle();

    expect(log).toEqual([
      "connection / recovered=true",
      "connection /admin recovered=true",
      "connection / recovered=true",
      "connection / recovered=true",
    ]);
    const main = after.io.of("/").sockets;
    expect([...main.keys()]).toEqual(ids);
    expect(main.get(ids[0]!)?.rooms).toEqual(new Set([ids[0], "red"]));
    expect(main.get(ids[0]!)?.data).toEqual({ nick: "ann" });
    const admin = [...after.io.of("/admin").sockets.values()][0];
    expect(admin?.rooms.has("ops")).toBe(true);
    expect(peers.map((p) => p.sent)).toEqual([[], [], []]);

    connections[0]!.message('42["shout","red","hi reds"]');
    await settle();
    expect(peers.map((p) => p.sent)).toEqual([[], ['42["shout","hi reds"]'], []]);
  });
});

describe("EngineServer.pingDueWithin", () => {
  it("pings every session whose next ping falls within the horizon, and only those", async () => {
    const h = harness(OPTIONS);
    const first = await openWebSocket(h.engine); // next ping at 1000
    h.clock.advance(300);
    const second = await openWebSocket(h.engine); // next ping at 1300
    h.clock.advance(400);
    const third = await openWebSocket(h.engine); // next ping at 1700
    h.clock.advance(300); // t = 1000: the first one's ping is due
    await settle();
    expect(first.peer.sent.at(-1)).toBe("2");

    expect(h.engine.pingDueWithin(500)).toBe(1); // second (1300) is within; third (1700) is not
    await settle();
    expect(second.peer.sent.at(-1)).toBe("2");
    expect(third.peer.sent.at(-1)).not.toBe("2");
    // Waiting for their pongs now: not pinged twice.
    expect(h.engine.pingDueWithin(10_000)).toBe(1);
    await settle();
    expect(first.peer.sent.filter((p) => p === "2")).toHaveLength(1);
    expect(second.peer.sent.filter((p) => p === "2")).toHaveLength(1);
    expect(third.peer.sent.filter((p) => p === "2")).toHaveLength(1);
  });

  it("arms the pong deadline of an early ping from the moment it was sent", async () => {
    const h = harness(OPTIONS);
    const { session, connection } = await openWebSocket(h.engine); // next ping at 1000
    const closes: string[] = [];
    watchClose(session, closes);
    h.clock.advance(600);
    h.engine.pingDueWithin(500);
    expect(session.snapshot()).toMatchObject({ heartbeat: "awaiting-pong", deadline: 1100 });
    connection.message("3");
    expect(session.snapshot()).toMatchObject({ heartbeat: "waiting", deadline: 1600 });
    h.clock.advance(2000);
    expect(closes).toEqual(["ping timeout"]);
  });
});
