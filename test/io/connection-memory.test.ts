// What keeps an idle connection small, checked for its behaviour: a Client holds its one
// socket in a field and builds a map only for a second namespace; a socket's own room is one
// set shared by the adapter's two maps until either side changes; `socket.data` is made on
// first read; sockets of the same second share their `handshake.time`; text packets go
// through a decoder shared by every connection, binary ones through the connection's own.
import { describe, expect, it } from "vitest";
import type { InMemoryAdapter } from "../../src/io/adapter.js";
import { flush, setup } from "./support/harness.js";

describe("a connection's sockets: one in a field, a map from the second namespace on", () => {
  it("routes packets to each namespace and closes them all in the order they joined", () => {
    const { io, open } = setup();
    io.of("/admin");
    io.of("/chat");
    const seen: string[] = [];
    io.on("connection", (socket) => socket.on("hi", () => seen.push(`/ hi`)));
    io.of("/admin").on("connection", (socket) => socket.on("hi", () => seen.push(`/admin hi`)));
    io.of("/chat").on("connection", (socket) => socket.on("hi", () => seen.push(`/chat hi`)));
    for (const nsp of ["/", "/admin", "/chat"]) {
      io.of(nsp).on("connection", (socket) => socket.on("disconnect", (reason) => seen.push(`${nsp} ${reason}`)));
    }
    const conn = open();
    conn.receive("40", '42["hi"]', "40/admin,", '42/admin,["hi"]', "40/chat,", '42/chat,["hi"]', '42["hi"]');
    expect(conn.take()).toEqual(['40{"sid":"id1"}', '40/admin,{"sid":"id2"}', '40/chat,{"sid":"id3"}']);
    conn.drop("transport close");
    expect(seen).toEqual([
      "/ hi",
      "/admin hi",
      "/chat hi",
      "/ hi",
      "/ transport close",
      "/admin transport close",
      "/chat transport close",
    ]);
  });

  it("a namespace left and joined again, alone or beside another, gets a fresh socket", () => {
    const { io, open } = setup();
    io.of("/admin");
    const conn = open();
    conn.receive("40/admin,", "41/admin,", "40/admin,");
    expect(conn.take()).toEqual(['40/admin,{"sid":"id1"}', '40/admin,{"sid":"id2"}']);
    conn.receive("40", "41/admin,", '42/admin,["x"]');
    // The packet for the namespace it left is a protocol error: the whole connection closes.
    expect(conn.closeCalls).toBe(1);
    expect(io.of("/").sockets.size + io.of("/admin").sockets.size).toBe(0);
  });

  it("a second CONNECT for a joined namespace is refused whether it is the only one or not", () => {
    const one = setup();
    const a = one.open();
    a.receive("40", "40");
    expect(a.closeCalls).toBe(1);
    const two = setup();
    two.io.of("/admin");
    const b = two.open();
    b.receive("40", "40/admin,", "40/admin,");
    expect(b.closeCalls).toBe(1);
  });

  it("the connect deadline is met by any joined namespace, and the snapshot lists them all", () => {
    const { io, open, clock } = setup({ connectTimeout: 100 });
    io.of("/admin");
    const conn = open();
    conn.receive("40/admin,", "40");
    clock.advance(200);
    expect(conn.closeCalls).toBe(0);
    const client = [...io.of("/").sockets.values()][0]!.client;
    expect(client.snapshot().sockets.map((s) => s.nsp)).toEqual(["/admin", "/"]);
  });

  it("disconnect(true) leaves every namespace with DISCONNECT first", () => {
    const { io, open } = setup();
    io.of("/admin");
    const conn = open();
    conn.receive("40", "40/admin,");
    conn.take();
    [...io.of("/admin").sockets.values()][0]!.disconnect(true);
    expect(conn.take()).toEqual(["41", "41/admin,"]);
    expect(conn.closeCalls).toBe(1);
  });
});

describe("a socket's own room", () => {
  it("is in both maps, and each map shows only what it always showed as rooms change", () => {
    const { io, connect } = setup();
    const { socket } = connect();
    const adapter = io.of("/").adapter as InMemoryAdapter;
    expect(adapter.sids.get("id1")).toEqual(new Set(["id1"]));
    expect(adapter.rooms.get("id1")).toEqual(new Set(["id1"]));
    socket.join("r");
    expect(adapter.sids.get("id1")).toEqual(new Set(["id1", "r"]));
    expect(adapter.rooms.get("id1")).toEqual(new Set(["id1"]));
    expect(adapter.rooms.get("r")).toEqual(new Set(["id1"]));
    socket.leave("r");
    expect(adapter.sids.get("id1")).toEqual(new Set(["id1"]));
    expect(adapter.rooms.get("id1")).toEqual(new Set(["id1"]));
    expect(adapter.rooms.has("r")).toBe(false);
  });

  it("socket.rooms stays one live set through joins and leaves", () => {
    const { connect } = setup();
    const { socket } = connect();
    const rooms = socket.rooms;
    socket.join(["a", "b"]);
    socket.leave("a");
    expect([...rooms]).toEqual(["id1", "b"]);
    expect(socket.rooms).toBe(rooms);
  });

  it("another socket joining a room named by this socket's id does not change this socket's rooms", () => {
    const { io, connect } = setup();
    const first = connect();
    const second = connect();
    second.socket.join("id1");
    const adapter = io.of("/").adapter as InMemoryAdapter;
    expect(adapter.rooms.get("id1")).toEqual(new Set(["id1", "id2"]));
    expect([...first.socket.rooms]).toEqual(["id1"]);
    expect([...second.socket.rooms]).toEqual(["id2", "id1"]);
    io.to("id1").emit("x");
    expect(first.conn.take()).toEqual(['42["x"]']);
    expect(second.conn.take()).toEqual(['42["x"]']);
    first.conn.drop("transport close");
    expect(adapter.rooms.get("id1")).toEqual(new Set(["id2"]));
    expect(adapter.sids.has("id1")).toBe(false);
  });

  it("leaving its own room keeps the socket reachable by everyone-broadcasts, not by its id", () => {
    const { io, connect } = setup();
    const { socket, conn } = connect();
    socket.leave("id1");
    expect([...socket.rooms]).toEqual([]);
    io.to("id1").emit("direct");
    io.emit("all");
    expect(conn.take()).toEqual(['42["all"]']);
    socket.join("id1");
    io.to("id1").emit("direct");
    expect(conn.take()).toEqual(['42["direct"]']);
  });

  it("a disconnect leaves no room and no entry behind", () => {
    const { io, connect } = setup();
    const a = connect();
    const b = connect();
    a.socket.join("shared");
    b.socket.join("shared");
    a.conn.drop("transport close");
    b.conn.drop("transport close");
    const adapter = io.of("/").adapter as InMemoryAdapter;
    expect(adapter.rooms.size).toBe(0);
    expect(adapter.sids.size).toBe(0);
  });
});

describe("per-socket values made on demand", () => {
  it("socket.data starts as one empty object, made on first read, and can be replaced", () => {
    const { connect } = setup();
    const { socket } = connect();
    const data = socket.data;
    expect(data).toEqual({});
    expect(socket.data).toBe(data);
    (socket.data as Record<string, unknown>).user = "ann";
    expect(socket.data).toEqual({ user: "ann" });
    socket.data = { user: "bob" };
    expect(socket.client.snapshot().sockets[0]!.data).toEqual({ user: "bob" });
  });

  it("sockets made in the same second share their handshake time; the next second has its own", () => {
    const { connect, clock } = setup();
    const a = connect().socket;
    clock.advance(10);
    const b = connect().socket;
    clock.advance(1000);
    const c = connect().socket;
    expect(a.handshake.time).toBe(String(new Date(a.handshake.issued)));
    expect(b.handshake.time).toBe(a.handshake.time);
    expect(c.handshake.time).toBe(String(new Date(c.handshake.issued)));
    expect(c.handshake.time).not.toBe(a.handshake.time);
  });
});

describe("decoding: a shared decoder for text, the connection's own for binary packets", () => {
  it("reassembles binary packets on each connection while text packets flow on others", async () => {
    const { io, connect } = setup();
    const got: string[] = [];
    io.on("connection", (socket) =>
      socket.on("file", (name: string, bytes: Uint8Array) => got.push(`${socket.id} file ${name} ${[...bytes].join(".")}`)),
    );
    io.on("connection", (socket) => socket.on("text", (value: string) => got.push(`${socket.id} text ${value}`)));
    const a = connect();
    const b = connect();
    await flush();
    a.conn.receive('451-["file","a",{"_placeholder":true,"num":0}]');
    b.conn.receive('42["text","between"]', '451-["file","b",{"_placeholder":true,"num":0}]');
    a.conn.receive('42["text","not yet"]'); // text while a's attachment is due: a protocol error for a only
    b.conn.receive(Uint8Array.of(2, 2));
    b.conn.receive('42["text","after"]');
    expect(got).toEqual(["id2 text between", "id2 file b 2.2", "id2 text after"]);
    expect(a.conn.closeCalls).toBe(1);
    expect(b.conn.closeCalls).toBe(0);
  });

  it("bytes that no binary packet announced close the connection", () => {
    const { connect } = setup();
    const { conn } = connect();
    conn.receive(Uint8Array.of(1));
    expect(conn.closeCalls).toBe(1);
  });
});
