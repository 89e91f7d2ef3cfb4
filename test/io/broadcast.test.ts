import { describe, expect, it } from "vitest";
import { InMemoryAdapter } from "../../src/io/adapter.js";
import type { Adapter, AdapterNamespace, BroadcastOptions } from "../../src/io/adapter.js";
import type { Packet } from "../../src/codec/index.js";
import { flush, setup } from "./support/harness.js";

const bytes = (...values: number[]) => new Uint8Array(values);

/** Three clients on "/": id1 in rooms a, b; id2 in b; id3 in none. */
function threeClients() {
  const h = setup();
  const c1 = h.connect();
  const c2 = h.connect();
  const c3 = h.connect();
  c1.socket.join(["a", "b"]);
  c2.socket.join("b");
  return { ...h, c1, c2, c3, all: [c1, c2, c3] };
}

describe("broadcasting", () => {
  it("io.emit reaches every socket of / and no other namespace", () => {
    const { io, all, open } = threeClients();
    io.of("/other");
    const other = open();
    other.receive("40/other,");
    other.take();
    io.emit("hello", 1);
    for (const c of all) expect(c.conn.out).toEqual(['42["hello",1]']);
    expect(other.out).toEqual([]);
  });

  it("to/in target rooms, each socket at most once; except leaves rooms out", () => {
    const { io, c1, c2, c3 } = threeClients();
    io.to("a").to("b").emit("ab");
    io.in(["a"]).emit("a");
    io.except("a").emit("not-a");
    io.to("b").except("a").emit("b-not-a");
    io.to("nobody").emit("none");
    expect(c1.conn.out).toEqual(['42["ab"]', '42["a"]']);
    expect(c2.conn.out).toEqual(['42["ab"]', '42["not-a"]', '42["b-not-a"]']);
    expect(c3.conn.out).toEqual(['42["not-a"]']);
  });

  it("a socket id is a room: io.to(id) reaches that socket", () => {
    const { io, c1, c2 } = threeClients();
    io.to(c2.socket.id).emit("private");
    expect(c1.conn.out).toEqual([]);
    expect(c2.conn.out).toEqual(['42["private"]']);
  });

  it("socket.broadcast / socket.to leave the sender out", () => {
    const { c1, c2, c3 } = threeClients();
    c1.socket.broadcast.emit("all-but-1");
    c1.socket.to("b").emit("b-but-1");
    c2.socket.except("a").emit("not-a-but-2");
    expect(c1.conn.out).toEqual([]);
    expect(c2.conn.out).toEqual(['42["all-but-1"]', '42["b-but-1"]']);
    expect(c3.conn.out).toEqual(['42["all-but-1"]', '42["not-a-but-2"]']);
  });

  it("operators are immutable: a modifier never changes the operator it came from", () => {
    const { io, c1, c2, c3 } = threeClients();
    const base = io.to("b");
    const narrowed = base.except("a");
    base.emit("base");
    narrowed.emit("narrowed");
    expect(c1.conn.out).toEqual(['42["base"]']);
    expect(c2.conn.out).toEqual(['42["base"]', '42["narrowed"]']);
    expect(c3.conn.out).toEqual([]);
  });

  it("is encoded once: every recipient gets the very same WirePacket objects", () => {
    const { io, all } = threeClients();
    io.emit("shared", { big: "x".repeat(100) }, bytes(1, 2));
    const first = all[0]!.conn.packets;
    expect(first).toHaveLength(2);
    expect(first[0]!.data).toBe('451-["shared",{"big":"' + "x".repeat(100) + '"},{"_placeholder":true,"num":0}]');
    expect(first[1]!.data).toEqual(bytes(1, 2));
    for (const c of all) {
      expect(c.conn.packets[0]).toBe(first[0]);
      expect(c.conn.packets[1]).toBe(first[1]);
    }
  });

  it("calls the encoder and engine.prepare once per broadcast, whatever the number of recipients", () => {
    const { io } = threeClients();
    let prepared = 0;
    const prepare = io.engine.prepare.bind(io.engine);
    io.engine.prepare = (data) => {
      prepared++;
      return prepare(data);
    };
    let encoded = 0;
    const encode = io._encoder.encode.bind(io._encoder);
    io._encoder.encode = (packet) => {
      encoded++;
      return encode(packet);
    };
    io.emit("x", 1);
    expect([encoded, prepared]).toEqual([1, 1]);
  });

  it("volatile is decided per recipient", () => {
    const { io, c1, c2, c3 } = threeClients();
    c2.conn.writable = false;
    io.volatile.emit("tick");
    expect(c1.conn.out).toEqual(['42["tick"]']);
    expect(c2.conn.out).toEqual([]);
    expect(c3.conn.out).toEqual(['42["tick"]']);
    expect(c1.conn.options).toEqual([undefined]);
  });

  it("local and compress flags reach the adapter; compress reaches the engine", () => {
    const { io, c1 } = threeClients();
    const seen: BroadcastOptions[] = [];
    const adapter = io.sockets.adapter as InMemoryAdapter;
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => {
      seen.push(opts);
      broadcast(packet, opts);
    };
    io.local.compress(false).to("a").emit("x");
    expect(seen[0]!.flags).toEqual({ local: true, compress: false });
    expect([...seen[0]!.rooms]).toEqual(["a"]);
    expect(c1.conn.out).toEqual(['42["x"]']);
    expect(c1.conn.options).toEqual([{ compress: false }]);
  });

  it("skips sockets that are still in their middlewares", () => {
    const { io, open } = setup();
    const admits: Array<() => void> = [];
    io.use((socket, next) => {
      socket.join("room");
      admits.push(() => next());
    });
    const conn = open();
    conn.receive("40");
    io.emit("early");
    io.to("room").emit("early-room");
    admits[0]!();
    io.to("room").emit("late");
    expect(conn.out).toEqual(['40{"sid":"id1"}', '42["late"]']);
  });

  it("socket modifiers carry over to its broadcasts: volatile, local, compress", () => {
    const { c1, c2, c3 } = threeClients();
    c2.conn.writable = false;
    c1.socket.volatile.broadcast.emit("v");
    c1.socket.local.emit("l");
    c1.socket.compress(false).to("b").emit("c");
    expect(c1.conn.out).toEqual([]);
    expect(c2.conn.out).toEqual(['42["l"]', '42["c"]']);
    expect(c2.conn.options.at(-1)).toEqual({ compress: false });
    expect(c3.conn.out).toEqual(['42["v"]', '42["l"]']);
  });

  it("namespace.send and io.send emit `message`", () => {
    const { io, c1 } = threeClients();
    io.send("hi");
    io.sockets.write("there");
    expect(c1.conn.out).toEqual(['42["message","hi"]', '42["message","there"]']);
  });
});

describe("broadcast acknowledgements", () => {
  it("need timeout(): asking for an ack without one throws at once", () => {
    const { io } = threeClients();
    const emitUntyped = io.to("a").emit as (ev: string, ...args: unknown[]) => boolean;
    expect(() => emitUntyped.call(io.to("a"), "q", () => {})).toThrow(/timeout/);
  });

  it("collect one answer per recipient: cb(null, responses) once all answered", async () => {
    const { io, c1, c2, c3 } = threeClients();
    const got: unknown[] = [];
    io.timeout(1000).emit("vote", "?", (err: unknown, responses: unknown) => got.push([err, responses]));
    // One id free on every recipient, the same frame for all.
    expect(c1.conn.out).toEqual(['420["vote","?"]']);
    expect(c2.conn.packets[0]).toBe(c1.conn.packets[0]);
    c2.conn.receive('430["no"]');
    c1.conn.receive('430["yes","extra"]');
    await flush();
    expect(got).toEqual([]);
    c3.conn.receive("430[]");
    await flush();
    expect(got).toEqual([[null, ["no", "yes", undefined]]]);
  });

  it("pick an ack id no recipient uses yet and move every recipient past it", () => {
    const { io, c1, c2 } = threeClients();
    c1.socket.emit("own", () => {});
    c1.socket.emit("own", () => {});
    io.to("b").timeout(1000).emit("q", () => {});
    expect(c1.conn.out).toEqual(['420["own"]', '421["own"]', '422["q"]']);
    expect(c2.conn.out).toEqual(['422["q"]']);
    c2.socket.emit("own", () => {});
    expect(c2.conn.out.at(-1)).toBe('423["own"]');
  });

  it("time out with the answers received so far, and ignore late ones", async () => {
    const { io, c1, c2, clock } = threeClients();
    const got: unknown[] = [];
    io.to("b").timeout(500).emit("q", (err: unknown, responses: unknown) => got.push([err, responses]));
    c1.conn.receive("430[1]");
    clock.advance(500);
    expect(got).toEqual([[new Error("operation has timed out"), [1]]]);
    c2.conn.receive("430[2]");
    await flush();
    expect(got).toHaveLength(1);
    expect(io.engine.timers.size).toBe(0);
  });

  it("with no recipient, answer (null, []) after the emit returns", async () => {
    const { io } = threeClients();
    const got: unknown[] = [];
    io.to("empty").timeout(100).emit("q", (err: unknown, responses: unknown) => got.push([err, responses]));
    expect(got).toEqual([]);
    await flush();
    expect(got).toEqual([[null, []]]);
  });

  it("emitWithAck resolves with the answers or rejects with the partial ones in err.responses", async () => {
    const { io, c1, c2, clock } = threeClients();
    const all = io.to("b").timeout(100).emitWithAck("q");
    c1.conn.receive("430[1]");
    c2.conn.receive("430[2]");
    await expect(all).resolves.toEqual([1, 2]);
    const partial = io.to("b").timeout(100).emitWithAck("q");
    c2.conn.receive("431[3]");
    clock.advance(100);
    await expect(partial).rejects.toMatchObject({ message: "operation has timed out", responses: [3] });
  });

  it("socket.timeout(ms).to(room).emit collects too, leaving the sender out", async () => {
    const { c1, c2 } = threeClients();
    const got: unknown[] = [];
    c1.socket.timeout(100).to("b").emit("q", (err: unknown, r: unknown) => got.push([err, r]));
    expect(c1.conn.out).toEqual([]);
    c2.conn.receive("430[7]");
    await flush();
    expect(got).toEqual([[null, [7]]]);
  });
});

describe("fetchSockets / socketsJoin / socketsLeave / disconnectSockets", () => {
  it("fetchSockets returns the local sockets selected", async () => {
    const { io, c1, c2 } = threeClients();
    const inB = await io.in("b").fetchSockets();
    expect(inB).toEqual([c1.socket, c2.socket]);
    const all = await io.fetchSockets();
    expect(all.map((s) => s.id)).toEqual(["id1", "id2", "id3"]);
    expect([...(await io.allSockets())]).toEqual(["id1", "id2", "id3"]);
  });

  it("socketsJoin and socketsLeave change the rooms of the selected sockets", () => {
    const { io, c1, c2, c3 } = threeClients();
    io.except("a").socketsJoin(["c", "d"]);
    expect([...c1.socket.rooms]).toEqual(["id1", "a", "b"]);
    expect([...c2.socket.rooms]).toEqual(["id2", "b", "c", "d"]);
    expect([...c3.socket.rooms]).toEqual(["id3", "c", "d"]);
    io.in("c").socketsLeave("d");
    expect([...c2.socket.rooms]).toEqual(["id2", "b", "c"]);
    expect([...c3.socket.rooms]).toEqual(["id3", "c"]);
  });

  it("disconnectSockets sends DISCONNECT; with close the connections close too", () => {
    const { io, c1, c2, c3 } = threeClients();
    const reasons: string[] = [];
    for (const c of [c1, c2, c3]) c.socket.on("disconnect", (r) => reasons.push(`${c.socket.id}:${r}`));
    io.in("a").disconnectSockets();
    expect(c1.conn.out).toEqual(["41"]);
    expect(c1.conn.closeCalls).toBe(0);
    io.disconnectSockets(true);
    expect(c2.conn.out).toEqual(["41"]);
    expect(c2.conn.closeCalls).toBe(1);
    expect(c3.conn.closeCalls).toBe(1);
    expect(reasons).toEqual(["id1:server namespace disconnect", "id2:server namespace disconnect", "id3:server namespace disconnect"]);
  });

  it("a fetched socket's emit, join, leave and disconnect act on it", async () => {
    const { io, c3 } = threeClients();
    const [fetched] = await io.in(c3.socket.id).fetchSockets();
    fetched!.emit("direct", 1);
    fetched!.join("x");
    expect(c3.conn.out).toEqual(['42["direct",1]']);
    expect(c3.socket.rooms.has("x")).toBe(true);
  });
});

describe("the adapter contract", () => {
  it("a custom adapter class receives every broadcast", () => {
    const seen: Packet[] = [];
    class SpyAdapter extends InMemoryAdapter {
      override broadcast(packet: Packet, opts: BroadcastOptions): void {
        seen.push(structuredClone(packet));
        super.broadcast(packet, opts);
      }
    }
    const { io, connect } = setup({ adapter: SpyAdapter });
    const c = connect();
    io.emit("a", 1);
    c.socket.broadcast.emit("b");
    io.of("/x").emit("c");
    expect(seen).toEqual([
      { type: 2, nsp: "/", data: ["a", 1] },
      { type: 2, nsp: "/", data: ["b"] },
      { type: 2, nsp: "/x", data: ["c"] },
    ]);
    expect(c.conn.out).toEqual(['42["a",1]']);
  });

  it("keeps rooms in two maps and drops empty rooms", () => {
    const { connect, io } = setup();
    const { socket, conn } = connect();
    const adapter = io.sockets.adapter as InMemoryAdapter;
    socket.join("r");
    expect(adapter.rooms.get("r")).toEqual(new Set(["id1"]));
    expect(adapter.sids.get("id1")).toEqual(new Set(["id1", "r"]));
    socket.leave("r");
    expect(adapter.rooms.has("r")).toBe(false);
    conn.drop("transport close");
    expect(adapter.rooms.size).toBe(0);
    expect(adapter.sids.size).toBe(0);
  });

  it("in memory, serverSideEmit reaches no one and serverSideEmitWithAck resolves []", async () => {
    const { io } = setup();
    expect(io.serverSideEmit("sync", 1)).toBe(true);
    await expect(io.serverSideEmitWithAck("sync")).resolves.toEqual([]);
    expect(() => io.serverSideEmit("connection")).toThrow(/reserved/);
  });

  it("delivers other servers' events to namespace listeners", () => {
    const { io } = setup();
    const got: unknown[] = [];
    io.on("hello", (...args: unknown[]) => got.push(args));
    io.sockets._onServerSideEmit(["hello", 1, 2]);
    expect(got).toEqual([[1, 2]]);
  });

  it("an adapter over a network may answer asynchronously (serverCount as a promise)", async () => {
    class TwoServers extends InMemoryAdapter implements Adapter {
      constructor(nsp: AdapterNamespace) {
        super(nsp);
      }
      override serverCount(): number {
        return 2;
      }
    }
    const { io, connect, clock } = setup({ adapter: TwoServers });
    const c = connect();
    const got: unknown[] = [];
    io.timeout(100).emit("q", (err: unknown, r: unknown) => got.push([err, r]));
    c.conn.receive("430[1]");
    await flush();
    // Waiting for the second server's count: only the deadline ends it.
    expect(got).toEqual([]);
    clock.advance(100);
    expect(got).toEqual([[new Error("operation has timed out"), [1]]]);
  });
});
