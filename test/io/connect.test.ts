import { describe, expect, it } from "vitest";
import type { Socket } from "../../src/io/socket.js";
import { setup } from "./support/harness.js";
import type { FakeConn } from "./support/harness.js";

describe("joining a namespace", () => {
  it("answers a CONNECT for / with the socket id, which is not the engine sid", () => {
    const { io, open } = setup();
    const seen: Socket[] = [];
    io.on("connection", (socket) => {
      seen.push(socket);
    });
    const conn = open();
    expect(conn.out).toEqual([]);
    conn.receive("40");
    expect(conn.out).toEqual(['40{"sid":"id1"}']);
    expect(seen).toHaveLength(1);
    const socket = seen[0]!;
    expect(socket.id).toBe("id1");
    expect(socket.id).not.toBe(conn.id);
    expect(socket.connected).toBe(true);
    expect(socket.disconnected).toBe(false);
    expect(socket.nsp.name).toBe("/");
    expect(socket.conn).toBe(conn);
    expect(socket.client.id).toBe(conn.id);
    expect([...socket.rooms]).toEqual(["id1"]);
    expect(io.sockets.sockets.get("id1")).toBe(socket);
  });

  it("calls `connect` handlers, then `connection` handlers, after the CONNECT answer", () => {
    const { io, open } = setup();
    const order: string[] = [];
    io.on("connection", (socket) => {
      order.push(`connection:${(socket.conn as FakeConn).out.join("|")}`);
    });
    io.on("connect", () => {
      order.push("connect");
    });
    open().receive("40");
    expect(order).toEqual(['connect', 'connection:40{"sid":"id1"}']);
  });

  it("fills the handshake from the request, the auth payload and the clock", () => {
    const { io, open, clock } = setup();
    let socket: Socket | undefined;
    io.on("connection", (s) => {
      socket = s;
    });
    const conn = open({
      url: "/socket.io/?EIO=4&transport=polling&room=7",
      headers: { origin: "https://app.example", "user-agent": "test" },
      query: { EIO: "4", transport: "polling", room: "7" },
      remoteAddress: "10.0.0.9",
      secure: true,
    });
    conn.receive('40{"token":"abc","n":1}');
    expect(socket).toBeDefined();
    const h = socket!.handshake;
    expect(h.auth).toEqual({ token: "abc", n: 1 });
    expect(h.headers).toEqual({ origin: "https://app.example", "user-agent": "test" });
    expect(h.query).toEqual({ EIO: "4", transport: "polling", room: "7" });
    expect(h.address).toBe("10.0.0.9");
    expect(h.secure).toBe(true);
    expect(h.xdomain).toBe(true);
    expect(h.url).toBe("/socket.io/?EIO=4&transport=polling&room=7");
    expect(h.issued).toBe(clock.time);
    expect(h.time).toBe(String(new Date(clock.time)));
    expect(socket!.request).toBe(conn.request);
  });

  it("gives an empty auth object and xdomain false when there is none", () => {
    const { connect } = setup();
    const { socket } = connect();
    expect(socket.handshake.auth).toEqual({});
    expect(socket.handshake.xdomain).toBe(false);
    expect(socket.data).toEqual({});
  });

  it("joins several namespaces on one connection, each with its own socket", () => {
    const { io, open } = setup();
    io.of("/admin");
    const conn = open();
    conn.receive("40", "40/admin,");
    expect(conn.out).toEqual(['40{"sid":"id1"}', '40/admin,{"sid":"id2"}']);
    const main = io.sockets.sockets.get("id1")!;
    const admin = io.of("/admin").sockets.get("id2")!;
    expect(main.client).toBe(admin.client);
    expect(admin.nsp.name).toBe("/admin");
  });

  it("lets a client join a namespace other than / without joining /", () => {
    const { io, open } = setup();
    io.of("/chat");
    const conn = open();
    conn.receive('40/chat,{"a":1}');
    expect(conn.out).toEqual(['40/chat,{"sid":"id1"}']);
    expect(io.sockets.sockets.size).toBe(0);
    expect(io.of("/chat").sockets.get("id1")!.handshake.auth).toEqual({ a: 1 });
  });

  it("closes a connection that joins no namespace within connectTimeout", () => {
    const { open, clock } = setup({ connectTimeout: 1000 });
    const conn = open();
    clock.advance(999);
    expect(conn.closeCalls).toBe(0);
    clock.advance(1);
    expect(conn.closeCalls).toBe(1);
  });

  it("keeps a connection that joined in time", () => {
    const { open, clock, io } = setup({ connectTimeout: 1000 });
    const conn = open();
    conn.receive("40");
    clock.advance(5000);
    expect(conn.closeCalls).toBe(0);
    expect(io.engine.timers.size).toBe(0);
  });

  it("io.of(name, fn) adds a connection handler and normalises the leading slash", () => {
    const { io, open } = setup();
    const names: string[] = [];
    const nsp = io.of("orders", (socket) => names.push(socket.nsp.name));
    expect(nsp.name).toBe("/orders");
    expect(io.of("/orders")).toBe(nsp);
    open().receive("40/orders,");
    expect(names).toEqual(["/orders"]);
  });

  it("emits new_namespace for namespaces other than /", () => {
    const { io } = setup();
    const created: string[] = [];
    io.on("new_namespace", (nsp) => created.push(nsp.name));
    io.of("/a");
    io.of("/a");
    io.of("/b");
    expect(created).toEqual(["/a", "/b"]);
  });

  it("io.once runs a handler for the first connection only; io.off removes one", () => {
    const { io, open } = setup();
    const got: string[] = [];
    const removed = () => got.push("removed");
    io.once("connection", (socket) => got.push(`once:${socket.id}`));
    io.on("connection", removed);
    io.off("connection", removed);
    open().receive("40");
    open().receive("40");
    expect(got).toEqual(["once:id1"]);
    expect(io.listeners("connection")).toEqual([]);
  });

  it("refuses bad options at construction", () => {
    expect(() => setup({ connectTimeout: -1 })).toThrow(/connectTimeout/);
    expect(() => setup({ maxAttachments: 1.5 })).toThrow(/maxAttachments/);
  });

  it("limits binary attachments per packet to maxAttachments", () => {
    const { io, open } = setup({ maxAttachments: 1 });
    const conn = open();
    conn.receive("40", '452-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    expect(conn.closeCalls).toBe(1);
    expect(io.sockets.sockets.size).toBe(0);
  });
});
