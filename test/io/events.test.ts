import { describe, expect, it } from "vitest";
import { EncodeError } from "../../src/codec/index.js";
import { setup } from "./support/harness.js";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("events from the client", () => {
  it("reach the event's listeners with their arguments, in order, with `this` the socket", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.on("chat", function (this: unknown, ...args: unknown[]) {
      got.push(["first", this === socket, ...args]);
    });
    socket.on("chat", (...args: unknown[]) => got.push(["second", ...args]));
    conn.receive('42["chat","hi",{"n":1},[true,null]]');
    expect(got).toEqual([
      ["first", true, "hi", { n: 1 }, [true, null]],
      ["second", "hi", { n: 1 }, [true, null]],
    ]);
  });

  it("route by namespace", () => {
    const { io, open } = setup();
    const got: string[] = [];
    io.of("/a").on("connection", (s) => s.on("x", () => got.push("a")));
    io.on("connection", (s) => s.on("x", () => got.push("/")));
    const conn = open();
    conn.receive("40", "40/a,", '42/a,["x"]', '42["x"]');
    expect(got).toEqual(["a", "/"]);
  });

  it("once, off and removeAllListeners", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: string[] = [];
    const keep = () => got.push("keep");
    const drop = () => got.push("drop");
    const one = () => got.push("once");
    socket.on("e", keep);
    socket.on("e", drop);
    socket.once("e", one);
    socket.off("e", drop);
    expect(socket.listeners("e")).toEqual([keep, one]);
    conn.receive('42["e"]', '42["e"]');
    expect(got).toEqual(["keep", "once", "keep"]);
    socket.once("e", one);
    socket.off("e", one);
    socket.removeAllListeners("e");
    conn.receive('42["e"]');
    expect(got).toEqual(["keep", "once", "keep"]);
  });

  it("catch-all listeners get the event name first, before the event's listeners; offAny removes them", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    const any = (event: string, ...args: unknown[]) => got.push(["any", event, ...args]);
    socket.onAny(any);
    socket.prependAny((event) => got.push(["first", event]));
    socket.on("x", (v: unknown) => got.push(["x", v]));
    conn.receive('42["x",5]');
    expect(got).toEqual([["first", "x"], ["any", "x", 5], ["x", 5]]);
    expect(socket.listenersAny()).toHaveLength(2);
    socket.offAny(any);
    socket.offAny();
    got.length = 0;
    conn.receive('42["x",6]');
    expect(got).toEqual([["x", 6]]);
  });

  it("`message` is an ordinary event (what the client's send() emits)", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.on("message", (...args: unknown[]) => got.push(args));
    conn.receive('42["message","hello"]');
    expect(got).toEqual([["hello"]]);
  });

  it("numeric event names are accepted and looked up as strings", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.on("7", (v: unknown) => got.push(v));
    conn.receive('42[7,"seven"]');
    expect(got).toEqual(["seven"]);
  });

  it("binary arguments arrive as Uint8Array, reassembled from attachments", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.on("upload", (meta: unknown, file: unknown) => got.push(meta, file));
    conn.receive('451-["upload",{"name":"a.bin"},{"_placeholder":true,"num":0}]');
    expect(got).toEqual([]);
    conn.receive(bytes(1, 2, 3));
    expect(got).toEqual([{ name: "a.bin" }, bytes(1, 2, 3)]);
    expect(got[1]).toBeInstanceOf(Uint8Array);
  });
});

describe("socket.emit", () => {
  it("writes an EVENT to this client only", () => {
    const { connect } = setup();
    const a = connect();
    const b = connect();
    a.socket.emit("news", "title", { id: 1 }, [1, 2], null);
    expect(a.conn.out).toEqual(['42["news","title",{"id":1},[1,2],null]']);
    expect(b.conn.out).toEqual([]);
  });

  it("writes the namespace into the packet", () => {
    const { io, open } = setup();
    io.of("/admin").on("connection", (s) => s.emit("ok"));
    const conn = open();
    conn.receive("40/admin,");
    expect(conn.out).toEqual(['40/admin,{"sid":"id1"}', '42/admin,["ok"]']);
  });

  it("sends binary as BINARY_EVENT plus one message per attachment; ArrayBuffer and typed arrays too", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    socket.emit("file", bytes(9, 8), { nested: new Uint16Array([1]).buffer });
    expect(conn.out).toEqual([
      '452-["file",{"_placeholder":true,"num":0},{"nested":{"_placeholder":true,"num":1}}]',
      bytes(9, 8),
      bytes(1, 0),
    ]);
  });

  it("send/write emit a `message` event", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    socket.send("a", 1);
    socket.write("b");
    expect(conn.out).toEqual(['42["message","a",1]', '42["message","b"]']);
  });

  it("reserved event names throw at once and send nothing", () => {
    const { connect, io } = setup();
    const { conn, socket } = connect();
    for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
      expect(() => socket.emit(name)).toThrow(`"${name}" is a reserved event name`);
      expect(() => io.emit(name)).toThrow(`"${name}" is a reserved event name`);
      expect(() => io.to("r").emit(name)).toThrow(/reserved/);
      expect(() => socket.timeout(5).emit(name)).toThrow(/reserved/);
    }
    expect(conn.out).toEqual([]);
  });

  it("a value that cannot be encoded throws an EncodeError to the caller and leaves no trace", () => {
    const { connect, io } = setup();
    const { conn, socket } = connect();
    const circular: Record<string, unknown> = {};
    circular["me"] = circular;
    expect(() => socket.emit("x", circular)).toThrow(EncodeError);
    expect(() => socket.emit("x", 10n)).toThrow(EncodeError);
    expect(() => socket.emit("x", circular, () => {})).toThrow(EncodeError);
    expect(() => io.emit("x", circular)).toThrow(EncodeError);
    expect(conn.out).toEqual([]);
    // No ack id was consumed by the failed emit.
    socket.emit("y", () => {});
    expect(conn.out).toEqual(['420["y"]']);
  });

  it("volatile drops the packet when the connection cannot take it now", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    conn.writable = false;
    socket.volatile.emit("tick", 1);
    socket.emit("kept", 2);
    conn.writable = true;
    socket.volatile.emit("tick", 3);
    expect(conn.out).toEqual(['42["kept",2]', '42["tick",3]']);
  });

  it("volatile binary packets go out whole or not at all", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    conn.writable = false;
    socket.volatile.emit("bin", bytes(1));
    expect(conn.out).toEqual([]);
  });

  it("compress(false) is passed to the engine; modifiers do not stick to the socket", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    socket.compress(false).emit("a");
    socket.emit("b");
    expect(conn.out).toEqual(['42["a"]', '42["b"]']);
    expect(conn.options).toEqual([{ compress: false }, undefined]);
  });

  it("catch-all outgoing listeners see every emit and broadcast, but not acks", () => {
    const { connect, io } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.onAnyOutgoing((event, ...args) => got.push([event, ...args]));
    socket.on("q", (ack: (v: number) => void) => ack(1));
    socket.emit("direct", 1, () => {});
    io.emit("broadcast", 2);
    conn.receive('425["q"]');
    expect(got).toEqual([
      ["direct", 1],
      ["broadcast", 2],
    ]);
    socket.offAnyOutgoing();
    socket.emit("later");
    expect(got).toHaveLength(2);
    expect(socket.listenersAnyOutgoing()).toEqual([]);
  });
});
