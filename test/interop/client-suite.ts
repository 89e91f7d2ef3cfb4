// The black-box proof: the real `socket.io-client` v4 (Node build) against a server that
// runs `fixture-app.ts`. The same cases run against the official `socket.io` (the control)
// and against unio on every runtime; only `start` differs. Each case bounds its waits,
// and every client it opened is closed after it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { NodeWebSocket, NodeXHR, type Socket } from "socket.io-client";
import {
  ClientPool,
  bytesOf,
  connected,
  nextEvent,
  normalizeBinary,
  record,
  transportModes,
  upgraded,
  within,
  type TransportMode,
} from "./clients.js";
import { ADMIN_TOKEN, fixtureOptions, type DisconnectRecord } from "./fixture-app.js";
import { RawEngineSocket } from "./raw-engine.js";

/** A server under test, listening: its base URL (`http://127.0.0.1:<port>`) and how to stop it. */
export interface StartedServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Where the official server knowingly differs from what PROTOCOL.md asks of unio. Only the
 * control run sets these; unio runs on every runtime pass none.
 */
export interface ReferenceQuirks {
  /**
   * engine.io ignores a close packet (`1`) on a websocket and drops the peer only at the
   * next ping timeout; PROTOCOL.md wants the session closed at once ("transport close").
   */
  readonly closePacketWaitsForPingTimeout?: boolean;
}

/** A client's ack answer from the fixture: `{ ok }` or `{ error }`. */
type Outcome = { ok?: unknown; error?: string };

let uniqueCounter = 0;
/** A room or namespace name no other case uses. */
function unique(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/** Waits until the server has recorded why socket `id` left, asking through `observer`. */
function disconnectRecord(observer: Socket, id: string, ms = 5000): Promise<DisconnectRecord> {
  return observer.timeout(ms).emitWithAck("wait-disconnect", id) as Promise<DisconnectRecord>;
}

/**
 * The real WebSocket transport of socket.io-client, whose connection waits for `release()`:
 * lets a test hold the upgrade probe back without changing a byte on the wire.
 */
function heldProbe(): { transport: typeof NodeWebSocket; release(): void } {
  let release = (): void => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  class HeldWebSocket extends NodeWebSocket {
    override doOpen(): this {
      void gate.then(() => {
        if (this.readyState === "opening") super.doOpen();
      });
      return this;
    }
  }
  return { transport: HeldWebSocket, release: () => release() };
}

/** A payload with binary at several depths, and what the other side must see of it. */
function binaryPayload(): { sent: unknown; seen: unknown } {
  const sent = {
    text: "bytes ahead",
    raw: new Uint8Array([0, 1, 2, 253, 254, 255]),
    list: [Buffer.from("héllo", "utf8"), { deeper: [new Uint8Array(0), 7] }],
    arrayBuffer: new Uint8Array([9, 8, 7]).buffer,
    view: new Uint8Array([5, 6, 7, 8]).subarray(1, 3),
  };
  const seen = {
    text: "bytes ahead",
    raw: { bytes: [0, 1, 2, 253, 254, 255] },
    list: [{ bytes: [104, 195, 169, 108, 108, 111] }, { deeper: [{ bytes: [] }, 7] }],
    arrayBuffer: { bytes: [9, 8, 7] },
    view: { bytes: [6, 7] },
  };
  return { sent, seen };
}

export function defineClientSuite(
  label: string,
  start: () => Promise<StartedServer>,
  quirks: ReferenceQuirks = {},
): void {
  describe(`socket.io-client v4 against ${label}`, () => {
    let server: StartedServer | undefined;
    let pool: ClientPool;
    const url = (): string => {
      if (server === undefined) throw new Error("server not started");
      return server.url;
    };

    beforeAll(async () => {
      server = await start();
    });
    afterAll(async () => {
      await server?.close();
    });
    beforeEach(() => {
      pool = new ClientPool(url());
    });
    afterEach(async () => {
      await pool.closeAll();
    });

    const connectWith = (mode: TransportMode, options: Parameters<ClientPool["connect"]>[1] = {}) =>
      pool.connect("/", { transports: [...mode.transports], ...options });

    describe.each(transportModes)("over $name", (mode) => {
      it("connects with a socket id of its own and the expected transport", async () => {
        const socket = pool.open("/", { transports: [...mode.transports] });
        const engine = socket.io.engine;
        const firstTransport = engine.transport.name;
        const upgrades = record(engine, "upgrade");
        await connected(socket);
        if (mode.name === "polling→websocket") await upgraded(socket);
        expect(firstTransport).toBe(mode.transports[0]);
        expect(upgrades).toHaveLength(mode.name === "polling→websocket" ? 1 : 0);
        expect(engine.transport.name).toBe(mode.name === "polling" ? "polling" : "websocket");
        expect(socket.id).toMatch(/^[\w-]{10,}$/);
        expect(socket.id).not.toBe(engine.id);
        const me = (await socket.timeout(2000).emitWithAck("whoami")) as Record<string, unknown>;
        expect(me["id"]).toBe(socket.id);
        expect(me["nsp"]).toBe("/");
        expect(me["rooms"]).toEqual([socket.id]);
        expect(me["data"]).toEqual({});
        expect(me["transport"]).toBe(engine.transport.name);
      });

      it("hands the server the auth payload, the query and the client's address", async () => {
        const auth = { token: "abc", nested: { n: 1, list: [true, null] } };
        const socket = await connectWith(mode, { auth, query: { room: "lobby", lang: "en" } });
        const me = (await socket.timeout(2000).emitWithAck("whoami")) as { auth: unknown; query: Record<string, unknown>; address: unknown };
        expect(me.auth).toEqual(auth);
        expect(["127.0.0.1", "::ffff:127.0.0.1"]).toContain(me.address);
        expect(me.query).toMatchObject({ room: "lobby", lang: "en", EIO: "4", transport: mode.transports[0] });
      });

      it("acks client → server with every argument, with emitWithAck and with timeout", async () => {
        const socket = await connectWith(mode);
        const args = await within(
          new Promise<unknown[]>((resolve) => socket.emit("echo", 1, "two", { three: [3] }, null, (...a: unknown[]) => resolve(a))),
          2000,
          "echo ack",
        );
        expect(args).toEqual([1, "two", { three: [3] }, null]);
        expect(await socket.emitWithAck("echo", "é😀\u2028")).toBe("é😀\u2028");
        expect(await socket.timeout(2000).emitWithAck("echo", { deep: { a: [1, 2] } })).toEqual({ deep: { a: [1, 2] } });
        // No ack at all: the client's own timeout fires, and the connection is unharmed.
        const err = await new Promise<Error | null>((resolve) => socket.timeout(150).emit("ignore", (e: Error | null) => resolve(e)));
        expect(err?.message).toBe("operation has timed out");
        expect(await socket.timeout(2000).emitWithAck("echo", "still here")).toBe("still here");
      });

      it("acks server → client: timeout + emitWithAck, plain callbacks, and the timeout error", async () => {
        const socket = await connectWith(mode);
        socket.on("double", (n: number, ack: (v: number) => void) => ack(n * 2));
        socket.on("pair", (a: string, ack: (x: string, y: string) => void) => ack(a, a.toUpperCase()));
        const withTimeout = (await socket.timeout(3000).emitWithAck("ask-client", { event: "double", args: [21], timeout: 1000 })) as Outcome;
        expect(withTimeout).toEqual({ ok: [42] });
        const plain = (await socket.timeout(3000).emitWithAck("ask-client", { event: "pair", args: ["ab"] })) as Outcome;
        expect(plain).toEqual({ ok: ["ab", "AB"] });
        const unanswered = (await socket.timeout(3000).emitWithAck("ask-client", { event: "nobody-listens", args: [], timeout: 150 })) as Outcome;
        expect(unanswered).toEqual({ error: "operation has timed out" });
      });

      it("collects acks from every socket in a room (io.to(room).timeout().emitWithAck)", async () => {
        const a = await connectWith(mode);
        const b = await pool.connect("/", { transports: ["websocket"] });
        const room = unique("ask");
        for (const s of [a, b]) {
          await s.timeout(2000).emitWithAck("join", room);
          s.on("roll-call", (ack: (id: string | undefined) => void) => ack(s.id));
        }
        expect(await a.timeout(3000).emitWithAck("ask-room", { room, event: "roll-call", timeout: 1000 })).toEqual({ ok: [a.id, b.id].sort() });
        // One silent member: the whole broadcast times out.
        const silent = await pool.connect("/");
        await silent.timeout(2000).emitWithAck("join", room);
        expect(await a.timeout(3000).emitWithAck("ask-room", { room, event: "roll-call", timeout: 200 })).toEqual({ error: "operation has timed out" });
        // Nobody in the room: resolves at once with no answers.
        expect(await a.timeout(3000).emitWithAck("ask-room", { room: unique("empty"), event: "roll-call", timeout: 1000 })).toEqual({ ok: [] });
      });

      it("encodes server values as JSON.stringify would, and an empty ack as no arguments", async () => {
        const socket = await connectWith(mode);
        expect(await socket.timeout(2000).emitWithAck("json-edges")).toEqual({
          date: "1970-01-01T00:00:00.000Z",
          holes: [null, 1, null],
          notANumber: null,
          custom: "custom",
        });
        const args = await within(
          new Promise<unknown[]>((resolve) => socket.emit("ack-nothing", (...a: unknown[]) => resolve(a))),
          2000,
          "empty ack",
        );
        expect(args).toEqual([]);
        // What the client sends goes through the client's JSON.stringify the same way.
        expect(await socket.timeout(2000).emitWithAck("echo", { d: new Date(0), u: undefined, l: [undefined] })).toEqual({
          d: "1970-01-01T00:00:00.000Z",
          l: [null],
        });
      });

      it("sends any ArrayBuffer or view from the server as exactly its bytes", async () => {
        const socket = await connectWith(mode);
        expect(normalizeBinary(await socket.timeout(2000).emitWithAck("binary-kinds"))).toEqual({
          arrayBuffer: { bytes: [1, 2, 3] },
          offsetView: { bytes: [12, 13, 14] },
          float32: { bytes: [0, 0, 192, 63] },
          dataView: { bytes: [16, 17] },
          empty: { bytes: [] },
        });
      });

      it("keeps order through a burst of 500 events, 50 binary events and 30 parallel acks", async () => {
        const socket = await connectWith(mode);
        const echoed: unknown[] = [];
        const binaries: unknown[] = [];
        socket.on("seq", (n: unknown) => echoed.push(n));
        socket.on("echoed", (tag: unknown, bytes: unknown) => binaries.push([tag, normalizeBinary(bytes)]));
        const acks: Array<Promise<unknown>> = [];
        // All in one tick: the client batches them into few polling payloads / many frames.
        for (let i = 0; i < 500; i++) {
          socket.emit("seq", i);
          if (i % 10 === 0) socket.emit("echo-event", i, new Uint8Array([i & 0xff, 7]));
          if (i % 17 === 0) acks.push(socket.timeout(5000).emitWithAck("echo", `ack ${i}`));
        }
        const expectedAcks = Array.from({ length: 30 }, (_, k) => `ack ${k * 17}`);
        expect(await Promise.all(acks)).toEqual(expectedAcks);
        const expected = Array.from({ length: 500 }, (_, i) => i);
        expect(await socket.timeout(5000).emitWithAck("seq-result")).toEqual(expected);
        expect(echoed).toEqual(expected);
        expect(binaries).toEqual(Array.from({ length: 50 }, (_, k) => [k * 10, { bytes: [(k * 10) & 0xff, 7] }]));
      });

      it("sends and receives the 'message' event (socket.send)", async () => {
        const socket = await connectWith(mode);
        const reply = nextEvent(socket, "message", 2000);
        socket.send("hi", 2, { three: true });
        expect(await reply).toEqual(["hi", 2, { three: true }]);
      });

      it("carries binary client → server at every depth (the server sees Uint8Array)", async () => {
        const socket = await connectWith(mode);
        const { sent, seen } = binaryPayload();
        expect(await socket.timeout(3000).emitWithAck("describe", sent, "plain")).toEqual([seen, "plain"]);
      });

      it("carries binary back in an ack and in a server event", async () => {
        const socket = await connectWith(mode);
        const { sent, seen } = binaryPayload();
        expect(normalizeBinary(await socket.timeout(3000).emitWithAck("echo", sent))).toEqual(seen);
        const event = nextEvent(socket, "echoed", 3000);
        await socket.timeout(3000).emitWithAck("echo-event", sent, [new Uint8Array([42])]);
        expect(normalizeBinary(await event)).toEqual([seen, [{ bytes: [42] }]]);
      });

      it("carries binary in a client's ack to a server request", async () => {
        const socket = await connectWith(mode);
        socket.on("bytes-please", (n: number, ack: (b: Uint8Array) => void) => ack(new Uint8Array([n, n + 1])));
        const outcome = (await socket.timeout(3000).emitWithAck("ask-client", { event: "bytes-please", args: [7], timeout: 1000 })) as Outcome;
        expect(normalizeBinary(outcome)).toEqual({ ok: [{ bytes: [7, 8] }] });
      });

      it("round-trips a 70 kB binary payload (above 65535: 64-bit WebSocket lengths)", async () => {
        const socket = await connectWith(mode);
        const big = new Uint8Array(70_000);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
        const back = await socket.timeout(5000).emitWithAck("echo", big);
        const bytes = bytesOf(back);
        expect(bytes.length).toBe(70_000);
        expect(bytes.every((b, i) => b === big[i])).toBe(true);
      });
    });

    describe("the polling → websocket upgrade", () => {
      it("loses and reorders nothing while 200+ emits each way are in flight", async () => {
        // On loopback the probe usually wins the race against the CONNECT round trip, and
        // the client buffers emits until connected: nothing would be in flight. So the
        // probe's WebSocket (the real transport class) opens only once the client is
        // connected and emitting, as over a slow network. The wire is unchanged.
        const probeGate = heldProbe();
        const socket = pool.open("/", { transports: [NodeXHR, probeGate.transport] });
        const engine = socket.io.engine;
        const echoed: unknown[] = [];
        socket.on("seq", (n: unknown) => echoed.push(n));
        await connected(socket);
        expect(engine.transport.name).toBe("polling");

        let sent = 0;
        let sentAtUpgrading = -1;
        let sentAtUpgrade = -1;
        engine.once("upgrading", () => {
          sentAtUpgrading = sent;
          // A burst while the client has paused polling and not yet switched.
          for (let i = 0; i < 50; i++) socket.emit("seq", sent++);
        });
        engine.once("upgrade", () => {
          sentAtUpgrade = sent;
        });
        // One emit per macrotask, the probe let go after the 20th, so the upgrade happens in
        // the middle of the stream; once upgraded, go on to at least 200 and at least 20
        // more; stop at 5000 whatever happens.
        await within(
          new Promise<void>((resolve) => {
            const step = (): void => {
              if ((sentAtUpgrade >= 0 && sent >= Math.max(200, sentAtUpgrade + 20)) || sent >= 5000) return resolve();
              socket.emit("seq", sent++);
              if (sent === 20) probeGate.release();
              setImmediate(step);
            };
            step();
          }),
          10_000,
          "emit loop",
        );
        // Emits went out over polling before the probe, during it, and after the switch.
        expect(sentAtUpgrading).toBeGreaterThanOrEqual(20);
        expect(sentAtUpgrade).toBeGreaterThan(sentAtUpgrading);
        expect(sentAtUpgrade).toBeLessThan(sent);
        expect(engine.transport.name).toBe("websocket");

        const expected = Array.from({ length: sent }, (_, i) => i);
        expect(await socket.timeout(5000).emitWithAck("seq-result")).toEqual(expected);
        // The echoes were emitted before the ack above, on the same connection.
        expect(echoed).toEqual(expected);
      });
    });

    describe("namespaces and middleware", () => {
      it("admits /admin with the right token and the namespace's own socket", async () => {
        const socket = await pool.connect("/admin", { auth: { token: ADMIN_TOKEN } });
        const me = (await socket.timeout(2000).emitWithAck("whoami")) as Record<string, unknown>;
        expect(me).toMatchObject({ id: socket.id, nsp: "/admin", auth: { token: ADMIN_TOKEN } });
      });

      it.each(transportModes)("refuses /admin with the middleware's message and data over $name", async (mode) => {
        const missing = await pool.refused("/admin", { transports: [...mode.transports] });
        expect(missing.message).toBe("not authorized");
        expect(missing.data).toEqual({ code: "E_AUTH", token: null });
        const wrong = await pool.refused("/admin", { transports: [...mode.transports], auth: { token: "nope" } });
        expect(wrong.message).toBe("not authorized");
        expect(wrong.data).toEqual({ code: "E_AUTH", token: "nope" });
      });

      it("refuses through io.use without data", async () => {
        const err = await pool.refused("/", { auth: { refuse: true } });
        expect(err.message).toBe("refused by io.use");
        expect(err.data).toBeUndefined();
      });

      it("answers an unknown namespace with 'Invalid namespace'", async () => {
        const err = await pool.refused("/nowhere");
        expect(err.message).toBe("Invalid namespace");
        expect(err.data).toBeUndefined();
        const notDyn = await pool.refused("/dyn-x1");
        expect(notDyn.message).toBe("Invalid namespace");
      });

      it("creates RegExp namespaces on first use", async () => {
        const a = await pool.connect("/dyn-42");
        const b = await pool.connect("/dyn-7");
        expect(await a.timeout(2000).emitWithAck("whoami")).toMatchObject({ id: a.id, nsp: "/dyn-42" });
        expect(await b.timeout(2000).emitWithAck("whoami")).toMatchObject({ id: b.id, nsp: "/dyn-7" });
      });

      it("multiplexes namespaces on one connection and leaves one without closing the other", async () => {
        const manager = pool.manager({ transports: ["websocket"] });
        const main = await connected(manager.socket("/"));
        const admin = await connected(manager.socket("/admin", { auth: { token: ADMIN_TOKEN } }));
        expect(main.id).not.toBe(admin.id);
        const observer = await pool.connect("/");
        const adminId = admin.id ?? "";
        admin.disconnect();
        expect(await disconnectRecord(observer, adminId)).toEqual({ nsp: "/admin", reason: "client namespace disconnect", rooms: [adminId] });
        expect(main.connected).toBe(true);
        expect(await main.timeout(2000).emitWithAck("echo", "main lives")).toBe("main lives");
        // A namespace can be joined again on the same connection.
        const again = await connected(manager.socket("/admin", { auth: { token: ADMIN_TOKEN } }));
        expect(await again.timeout(2000).emitWithAck("whoami")).toMatchObject({ nsp: "/admin" });
      });
    });

    describe("rooms and broadcasts", () => {
      it("delivers to/except/broadcast exactly to the right sockets, once each", async () => {
        // One client per transport: a broadcast reaches all three kinds of connection.
        const a = await pool.connect("/", { transports: ["websocket"] });
        const b = await pool.connect("/", { transports: ["polling"] });
        const c = await pool.connect("/");
        const [r1, r2] = [unique("r1"), unique("r2")];
        expect(await a.timeout(2000).emitWithAck("join", r1)).toEqual([a.id, r1].sort());
        expect(await b.timeout(2000).emitWithAck("join", r1, r2)).toEqual([b.id, r1, r2].sort());
        expect(await c.timeout(2000).emitWithAck("join", r2)).toEqual([c.id, r2].sort());
        const news = { a: record(a, "news"), b: record(b, "news"), c: record(c, "news") };

        const send = async (request: Record<string, unknown>): Promise<void> => {
          expect(await a.timeout(2000).emitWithAck("broadcast", { event: "news", ...request })).toEqual({ ok: true });
        };
        /** Everyone in r1 ∪ r2 gets "fence" after what came before: then their lists are final. */
        const fence = async (): Promise<void> => {
          const arrived = [a, b, c].map((s) => nextEvent(s, "fence", 3000));
          expect(await a.timeout(2000).emitWithAck("broadcast", { via: "io", to: [r1, r2], event: "fence" })).toEqual({ ok: true });
          await Promise.all(arrived);
        };

        await send({ via: "socket", to: r1, args: [1] }); // b (never the sender)
        await send({ via: "io", to: r1, args: [2] }); // a, b
        await send({ via: "io", to: [r1, r2], args: [3, { n: 3 }] }); // a, b (in both: once), c
        await send({ via: "io", except: r2, args: [4] }); // a (and strangers, none of ours)
        await send({ via: "broadcast", args: [5] }); // b, c
        await send({ via: "broadcast", except: r1, args: [6] }); // c
        await send({ via: "io", to: r1, except: r2, args: [7] }); // a
        await send({ via: "socket", to: r2, except: r1, args: [8] }); // c
        await fence();
        expect(news.a).toEqual([[2], [3, { n: 3 }], [4], [7]]);
        expect(news.b).toEqual([[1], [2], [3, { n: 3 }], [5]]);
        expect(news.c).toEqual([[3, { n: 3 }], [5], [6], [8]]);

        expect(await b.timeout(2000).emitWithAck("leave", r1)).toEqual([b.id, r2].sort());
        await send({ via: "io", to: r1, args: ["after leave"] });
        await fence();
        expect(news.a.at(-1)).toEqual(["after leave"]);
        expect(news.b).toHaveLength(4);
        expect(news.c).toHaveLength(4);
      });

      it("drops a socket from its rooms when it disconnects", async () => {
        const a = await pool.connect("/");
        const observer = await pool.connect("/");
        const room = unique("gone");
        await a.timeout(2000).emitWithAck("join", room);
        expect(await observer.timeout(2000).emitWithAck("fetch-sockets", { in: room })).toEqual([{ id: a.id, rooms: [a.id, room].sort(), data: {} }]);
        const id = a.id ?? "";
        a.disconnect();
        // In "disconnecting" the socket was still in its rooms; afterwards it is in none.
        expect(await disconnectRecord(observer, id)).toEqual({ nsp: "/", reason: "client namespace disconnect", rooms: [id, room].sort() });
        expect(await observer.timeout(2000).emitWithAck("fetch-sockets", { in: room })).toEqual([]);
      });
    });

    describe("fetchSockets, socketsJoin, socketsLeave, disconnectSockets", () => {
      it("sees, moves and disconnects sockets by room", async () => {
        const a = await pool.connect("/", { transports: ["websocket"] });
        const b = await pool.connect("/", { transports: ["polling"] });
        const c = await pool.connect("/");
        const [room, extra] = [unique("fx"), unique("fx-extra")];
        await a.timeout(2000).emitWithAck("set-data", { name: "a", tags: ["x"] });
        await a.timeout(2000).emitWithAck("join", room);
        await b.timeout(2000).emitWithAck("join", room);
        const byId = <T extends { id: string }>(list: T[]): T[] => [...list].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

        expect(await c.timeout(2000).emitWithAck("fetch-sockets", { in: room })).toEqual(
          byId([
            { id: a.id ?? "", rooms: [a.id, room].sort(), data: { name: "a", tags: ["x"] } },
            { id: b.id ?? "", rooms: [b.id, room].sort(), data: {} },
          ]),
        );

        expect(await c.timeout(2000).emitWithAck("sockets-join", { in: room, room: extra })).toEqual({ ok: true });
        expect(await a.timeout(2000).emitWithAck("whoami")).toMatchObject({ rooms: [a.id, extra, room].sort() });
        expect(((await c.timeout(2000).emitWithAck("fetch-sockets", { in: extra })) as Array<{ id: string }>).map((s) => s.id)).toEqual(
          [a.id, b.id].sort(),
        );

        expect(await c.timeout(2000).emitWithAck("sockets-leave", { in: extra, room })).toEqual({ ok: true });
        expect(await c.timeout(2000).emitWithAck("fetch-sockets", { in: room })).toEqual([]);
        expect(await b.timeout(2000).emitWithAck("whoami")).toMatchObject({ rooms: [b.id, extra].sort() });

        const [aId, bId] = [a.id ?? "", b.id ?? ""];
        const aGone = nextEvent(a, "disconnect", 3000);
        const bGone = nextEvent(b, "disconnect", 3000);
        expect(await c.timeout(2000).emitWithAck("disconnect-sockets", { in: extra, close: false })).toEqual({ ok: true });
        expect((await aGone)[0]).toBe("io server disconnect");
        expect((await bGone)[0]).toBe("io server disconnect");
        expect(await disconnectRecord(c, aId)).toMatchObject({ reason: "server namespace disconnect" });
        expect(await disconnectRecord(c, bId)).toMatchObject({ reason: "server namespace disconnect" });
        expect(c.connected).toBe(true);
        expect(await c.timeout(2000).emitWithAck("fetch-sockets", { in: extra })).toEqual([]);
      });

      it("disconnectSockets(true) also closes the connection", async () => {
        const a = await pool.connect("/", { transports: ["websocket"] });
        const c = await pool.connect("/");
        const room = unique("close-all");
        await a.timeout(2000).emitWithAck("join", room);
        const gone = nextEvent(a, "disconnect", 3000);
        const engineClosed = nextEvent(a.io.engine, "close", 3000);
        await c.timeout(2000).emitWithAck("disconnect-sockets", { in: room, close: true });
        expect((await gone)[0]).toBe("io server disconnect");
        await engineClosed;
        expect(c.connected).toBe(true);
      });
    });

    describe("disconnect reasons", () => {
      it.each(transportModes)("client disconnect() → server sees 'client namespace disconnect' ($name)", async (mode) => {
        const socket = await connectWith(mode);
        const observer = await pool.connect("/");
        const id = socket.id ?? "";
        const clientSide = nextEvent(socket, "disconnect", 3000);
        socket.disconnect();
        expect((await clientSide)[0]).toBe("io client disconnect");
        expect(await disconnectRecord(observer, id)).toEqual({ nsp: "/", reason: "client namespace disconnect", rooms: [id] });
      });

      it.each(transportModes)("server socket.disconnect() → client sees 'io server disconnect' ($name)", async (mode) => {
        const socket = await connectWith(mode);
        const observer = await pool.connect("/");
        const id = socket.id ?? "";
        const clientSide = nextEvent(socket, "disconnect", 3000);
        await socket.timeout(2000).emitWithAck("disconnect-me", false);
        expect((await clientSide)[0]).toBe("io server disconnect");
        expect(await disconnectRecord(observer, id)).toEqual({ nsp: "/", reason: "server namespace disconnect", rooms: [id] });
      });

      it.each(transportModes)("server socket.disconnect(true) closes the connection too ($name)", async (mode) => {
        const socket = await connectWith(mode);
        const observer = await pool.connect("/");
        const id = socket.id ?? "";
        const clientSide = nextEvent(socket, "disconnect", 3000);
        const engineClosed = nextEvent(socket.io.engine, "close", 3000);
        await socket.timeout(2000).emitWithAck("disconnect-me", true);
        expect((await clientSide)[0]).toBe("io server disconnect");
        await engineClosed;
        expect(await disconnectRecord(observer, id)).toMatchObject({ reason: "server namespace disconnect" });
      });

      it.each(transportModes)("closing the client's connection → server sees 'transport close' ($name)", async (mode) => {
        const socket = await connectWith(mode);
        const observer = await pool.connect("/");
        const id = socket.id ?? "";
        socket.io.engine.close();
        expect(await disconnectRecord(observer, id)).toEqual({ nsp: "/", reason: "transport close", rooms: [id] });
      });

      it.each(transportModes)("reconnects after its transport closes, as a new socket ($name)", async (mode) => {
        const socket = await connectWith(mode, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 50 });
        const observer = await pool.connect("/");
        const firstId = socket.id ?? "";
        // While an upgrade is under way the client pauses polling, and a paused transport
        // ignores close(); wait for the upgrade so the close lands on a live transport.
        if (mode.transports.length > 1) await upgraded(socket);
        const gone = nextEvent(socket, "disconnect", 3000);
        const back = nextEvent(socket, "connect", 5000);
        // As if the network dropped: the transport closes under the client.
        const transport: { close(): unknown } = socket.io.engine.transport;
        transport.close();
        expect((await gone)[0]).toBe("transport close");
        await back;
        expect(socket.connected).toBe(true);
        expect(socket.id).not.toBe(firstId);
        expect(await socket.timeout(2000).emitWithAck("whoami")).toMatchObject({ id: socket.id });
        expect(await disconnectRecord(observer, firstId)).toEqual({ nsp: "/", reason: "transport close", rooms: [firstId] });
      });

      it("a websocket dropped without a close frame → 'transport close'", async () => {
        const observer = await pool.connect("/");
        const raw = await RawEngineSocket.open(url());
        try {
          await raw.handshake();
          const id = await raw.joinMain();
          raw.terminate();
          expect(await disconnectRecord(observer, id)).toEqual({ nsp: "/", reason: "transport close", rooms: [id] });
        } finally {
          raw.terminate();
        }
      });

      it("an Engine.IO close packet on a websocket ends the session", async () => {
        const observer = await pool.connect("/");
        const raw = await RawEngineSocket.open(url());
        try {
          await raw.handshake();
          const id = await raw.joinMain();
          raw.send("1");
          // The server closes the WebSocket itself (the client keeps it open on purpose).
          await within(raw.closed, 5000, "server closing the websocket");
          const expected = quirks.closePacketWaitsForPingTimeout === true ? "ping timeout" : "transport close";
          expect(await disconnectRecord(observer, id)).toEqual({ nsp: "/", reason: expected, rooms: [id] });
        } finally {
          raw.terminate();
        }
      });
    });

    describe("heartbeat", () => {
      it("keeps an answering client connected across several pings", async () => {
        const socket = await pool.connect("/", { transports: ["websocket"] });
        const id = socket.id;
        let pings = 0;
        socket.io.engine.on("ping", () => {
          pings += 1;
        });
        // pingInterval is 300 ms: three pings take ~0.9 s; a heartbeat bug ends the connection first.
        await within(
          new Promise<void>((resolve, reject) => {
            socket.io.engine.on("ping", () => pings >= 3 && resolve());
            socket.once("disconnect", (reason: string) => reject(new Error(`disconnected: ${reason}`)));
          }),
          5000,
          "three pings",
        );
        expect(socket.connected).toBe(true);
        expect(socket.id).toBe(id);
        expect(await socket.timeout(2000).emitWithAck("echo", pings)).toBe(pings);
      });

      it("drops a client that never answers pings with 'ping timeout'", async () => {
        const observer = await pool.connect("/");
        // Taken before the session exists, so the server's timers can only start later.
        const startedAt = Date.now();
        const raw = await RawEngineSocket.open(url());
        try {
          const open = await raw.handshake();
          expect(open).toMatchObject({ pingInterval: fixtureOptions.pingInterval, pingTimeout: fixtureOptions.pingTimeout });
          const id = await raw.joinMain();
          expect(await raw.nextText(3000)).toBe("2");
          await within(raw.closed, 5000, "server closing a silent client");
          // The ping comes after pingInterval; the close no sooner than pingTimeout after it.
          expect(Date.now() - startedAt).toBeGreaterThanOrEqual(fixtureOptions.pingInterval + fixtureOptions.pingTimeout - 5);
          expect(await disconnectRecord(observer, id)).toEqual({ nsp: "/", reason: "ping timeout", rooms: [id] });
        } finally {
          raw.terminate();
        }
      });

      it("closes a connection that joins no namespace within connectTimeout", async () => {
        // Taken before the session exists, so the server's timer can only start later.
        const startedAt = Date.now();
        const raw = await RawEngineSocket.open(url());
        try {
          await raw.handshake();
          let pongs = 0;
          const answered = (async () => {
            // Answer every ping, so only connectTimeout can end this connection.
            for (;;) {
              const packet = await raw.nextText(3000);
              if (packet !== "2") throw new Error(`unexpected ${packet}`);
              raw.send("3");
              pongs += 1;
            }
          })();
          answered.catch(() => {});
          await within(raw.closed, 4000, "connect timeout");
          expect(pongs).toBeGreaterThanOrEqual(2);
          expect(Date.now() - startedAt).toBeGreaterThanOrEqual(fixtureOptions.connectTimeout - 5);
        } finally {
          raw.terminate();
        }
      });
    });

    describe("oversized messages", () => {
      it.each([
        { name: "websocket", transports: ["websocket"], reason: "transport close" },
        { name: "polling", transports: ["polling"], reason: "transport error" },
      ])("drops the client over $name and stays up for others", async ({ transports, reason }) => {
        const socket = await pool.connect("/", { transports });
        const observer = await pool.connect("/");
        const gone = nextEvent(socket, "disconnect", 5000);
        socket.emit("echo", "x".repeat(fixtureOptions.maxHttpBufferSize + 1000));
        expect((await gone)[0]).toBe(reason);
        expect(await observer.timeout(2000).emitWithAck("echo", "observer fine")).toBe("observer fine");
        const fresh = await pool.connect("/", { transports });
        expect(await fresh.timeout(2000).emitWithAck("echo", "fresh fine")).toBe("fresh fine");
      });
    });

    describe("load", () => {
      it("serves 100 concurrent clients, each with an ack round trip", async () => {
        const observer = await pool.connect("/", { transports: ["websocket"] });
        // Start from a quiet server: earlier cases' sockets have all gone.
        expect(await observer.timeout(5000).emitWithAck("wait-count", 1)).toBe(1);
        // Connect in waves of 25: the 100 clients and the server share this one event loop,
        // and 100 handshakes and upgrades at once can starve the heartbeat on a loaded
        // machine. All 100 are connected together afterwards.
        const clients: Socket[] = [];
        for (let wave = 0; wave < 4; wave++) {
          const batch = Array.from({ length: 25 }, (_, k) => {
            const i = wave * 25 + k;
            return pool.open("/", { transports: i % 2 === 0 ? ["websocket"] : ["polling", "websocket"], auth: { i } });
          });
          await Promise.all(batch.map(connected));
          clients.push(...batch);
        }
        expect(clients.every((s) => s.connected)).toBe(true);
        const answers = await Promise.all(clients.map((s, i) => s.timeout(5000).emitWithAck("echo", { i, id: s.id })));
        expect(answers).toEqual(clients.map((s, i) => ({ i, id: s.id })));
        expect(new Set(clients.map((s) => s.id)).size).toBe(100);
        expect(await observer.timeout(2000).emitWithAck("count")).toBe(101);
        for (const s of clients) s.disconnect();
        expect(await observer.timeout(5000).emitWithAck("wait-count", 1)).toBe(1);
      });
    });

    describe("the wire, as a bare client sees it", () => {
      it("opens a websocket session with exactly the five handshake keys and no upgrades", async () => {
        const raw = await RawEngineSocket.open(url());
        try {
          const open = await raw.handshake();
          expect(Object.keys(open).sort()).toEqual(["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
          expect(open).toMatchObject({
            upgrades: [],
            pingInterval: fixtureOptions.pingInterval,
            pingTimeout: fixtureOptions.pingTimeout,
            maxPayload: fixtureOptions.maxHttpBufferSize,
          });
          const sid = await raw.joinMain();
          expect(sid).not.toBe(open["sid"]);
        } finally {
          raw.terminate();
        }
      });

      it("opens a polling session offering the websocket upgrade", async () => {
        const response = await fetch(`${url()}/socket.io/?EIO=4&transport=polling`);
        expect(response.status).toBe(200);
        const body = await response.text();
        expect(body.startsWith("0{")).toBe(true);
        const open = JSON.parse(body.slice(1)) as Record<string, unknown>;
        expect(Object.keys(open).sort()).toEqual(["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
        expect(open["upgrades"]).toEqual(["websocket"]);
        // Close the session: a close packet over POST.
        const closing = await fetch(`${url()}/socket.io/?EIO=4&transport=polling&sid=${String(open["sid"])}`, { method: "POST", body: "1" });
        expect(closing.status).toBe(200);
        expect(await closing.text()).toBe("ok");
      });

      it("refuses an unknown session id with code 1", async () => {
        const response = await fetch(`${url()}/socket.io/?EIO=4&transport=polling&sid=nope`);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ code: 1, message: "Session ID unknown" });
      });
    });
  });
}
