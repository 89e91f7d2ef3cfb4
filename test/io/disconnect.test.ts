import { describe, expect, it } from "vitest";
import type { EngineCloseReason } from "../../src/engine/types.js";
import { DISCONNECT_REASONS } from "../../src/io/reasons.js";
import type { Socket } from "../../src/io/socket.js";
import { setup } from "./support/harness.js";

/** Records `disconnecting` (with the rooms still joined) and `disconnect` of a socket. */
function record(socket: Socket, log: unknown[]): void {
  socket.on("disconnecting", (reason) => log.push(["disconnecting", reason, [...socket.rooms], socket.connected]));
  socket.on("disconnect", (reason) => log.push(["disconnect", reason, [...socket.rooms], socket.connected]));
}

describe("leaving a namespace", () => {
  it("client DISCONNECT → 'client namespace disconnect'; the connection stays open", () => {
    const { connect, io } = setup();
    const { conn, socket } = connect();
    socket.join("room");
    const log: unknown[] = [];
    record(socket, log);
    conn.receive("41");
    expect(log).toEqual([
      ["disconnecting", "client namespace disconnect", ["id1", "room"], true],
      ["disconnect", "client namespace disconnect", [], false],
    ]);
    expect(conn.out).toEqual([]);
    expect(conn.closeCalls).toBe(0);
    expect(io.sockets.sockets.size).toBe(0);
    // The client may join again on the same connection.
    conn.receive("40");
    expect(conn.out).toEqual(['40{"sid":"id2"}']);
  });

  it("socket.disconnect() sends DISCONNECT → 'server namespace disconnect'; other namespaces stay", () => {
    const { io, open } = setup();
    io.of("/b");
    const conn = open();
    conn.receive("40", "40/b,");
    conn.take();
    const main = io.sockets.sockets.get("id1")!;
    const b = io.of("/b").sockets.get("id2")!;
    const log: unknown[] = [];
    record(main, log);
    main.disconnect();
    main.disconnect();
    expect(conn.out).toEqual(["41"]);
    expect(log).toEqual([
      ["disconnecting", "server namespace disconnect", ["id1"], true],
      ["disconnect", "server namespace disconnect", [], false],
    ]);
    expect(b.connected).toBe(true);
    expect(conn.closeCalls).toBe(0);
  });

  it("socket.disconnect(true) leaves every namespace with DISCONNECT, then closes the connection", () => {
    const { io, open } = setup();
    io.of("/b");
    const conn = open();
    conn.receive("40", "40/b,");
    conn.take();
    const main = io.sockets.sockets.get("id1")!;
    const b = io.of("/b").sockets.get("id2")!;
    const log: unknown[] = [];
    record(main, log);
    record(b, log);
    main.disconnect(true);
    expect(conn.out).toEqual(["41", "41/b,"]);
    expect(conn.closeCalls).toBe(1);
    expect(log.map((e) => (e as unknown[]).slice(0, 2))).toEqual([
      ["disconnecting", "server namespace disconnect"],
      ["disconnect", "server namespace disconnect"],
      ["disconnecting", "server namespace disconnect"],
      ["disconnect", "server namespace disconnect"],
    ]);
  });

  it("the engine's close reason reaches every socket of the connection", () => {
    const reasons: EngineCloseReason[] = [
      "transport close",
      "transport error",
      "ping timeout",
      "parse error",
      "forced close",
      "server shutting down",
      "write buffer full",
    ];
    for (const reason of reasons) {
      const { io, open } = setup();
      io.of("/b");
      const conn = open();
      conn.receive("40", "40/b,");
      const log: unknown[] = [];
      record(io.sockets.sockets.get("id1")!, log);
      record(io.of("/b").sockets.get("id2")!, log);
      conn.drop(reason, "detail");
      expect(log.map((e) => (e as unknown[])[1])).toEqual([reason, reason, reason, reason]);
    }
  });

  it("passes the engine's description to the listeners", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.on("disconnect", (reason, description) => got.push(reason, description));
    conn.drop("transport error", "socket hang up");
    expect(got).toEqual(["transport error", "socket hang up"]);
  });

  it("disconnect listeners run once, even when they call disconnect again", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    let calls = 0;
    socket.on("disconnecting", () => {
      calls++;
      socket.disconnect(true);
    });
    socket.on("disconnect", () => calls++);
    conn.receive("41");
    expect(calls).toBe(2);
  });

  it("every server-side reason is one of the closed union's", () => {
    expect(DISCONNECT_REASONS).toEqual([
      "transport close",
      "transport error",
      "ping timeout",
      "parse error",
      "forced close",
      "forced server close",
      "server shutting down",
      "client namespace disconnect",
      "server namespace disconnect",
      "write buffer full",
    ]);
  });

  it("a connect timeout gives 'forced server close' to a socket still in its middlewares", () => {
    const { io, open, clock } = setup({ connectTimeout: 100 });
    io.use(() => {});
    const conn = open();
    conn.receive("40");
    clock.advance(100);
    expect(conn.closeCalls).toBe(1);
    expect(io.sockets.sockets.size).toBe(0);
  });
});

describe("protocol violations close the whole connection with 'parse error'", () => {
  const beforeJoining: Array<[string, Array<string | Uint8Array>]> = [
    ["a first packet that is not CONNECT", ['42["x"]']],
    ["a CONNECT whose payload is not an object", ['40"token"']],
    ["a first packet that is a DISCONNECT", ["41"]],
  ];
  for (const [name, frames] of beforeJoining) {
    it(name, () => {
      const { open, io } = setup();
      const conn = open();
      conn.receive(...frames);
      expect(conn.closeCalls).toBe(1);
      expect(conn.out).toEqual([]);
      expect(io.sockets.sockets.size).toBe(0);
    });
  }

  const afterJoining: Array<[string, Array<string | Uint8Array>]> = [
    ["an event for a namespace not joined", ['42/other,["x"]']],
    ["a second CONNECT for a joined namespace", ["40"]],
    ["a CONNECT_ERROR from the client", ['44{"message":"x"}']],
    ["a reserved event name", ['42["disconnect"]']],
    ["invalid JSON", ['42["x",']],
    ["an unknown packet type", ["49"]],
    ["an EVENT that is not an array", ['42{"a":1}']],
    ["an unexpected binary attachment", [new Uint8Array([1])]],
    ["a text packet while attachments are due", ['451-["x",{"_placeholder":true,"num":0}]', '42["y"]']],
    ["too many attachments", ['4511-["x"]']],
  ];
  for (const [name, frames] of afterJoining) {
    it(name, () => {
      const { connect, io } = setup();
      const { conn, socket } = connect();
      const log: unknown[] = [];
      record(socket, log);
      const events: unknown[] = [];
      socket.onAny((...args) => events.push(args));
      conn.receive(...frames);
      expect(conn.closeCalls).toBe(1);
      expect(log.map((e) => (e as unknown[]).slice(0, 2))).toEqual([
        ["disconnecting", "parse error"],
        ["disconnect", "parse error"],
      ]);
      expect(events).toEqual([]);
      expect(io.sockets.sockets.size).toBe(0);
    });
  }

  it("nothing is handled after the close, and nothing is sent by listeners of the disconnect", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.on("x", () => got.push("x"));
    socket.on("disconnect", () => socket.emit("bye"));
    conn.receive("4x", '42["x"]');
    expect(got).toEqual([]);
    expect(conn.out).toEqual([]);
  });
});

describe("io.close()", () => {
  it("disconnects every socket with 'server shutting down' and closes the engine's sessions", async () => {
    const { io, open, connect } = setup();
    io.of("/b");
    const a = connect();
    const b = open();
    b.receive("40/b,");
    const log: unknown[] = [];
    record(a.socket, log);
    record(io.of("/b").sockets.get("id2")!, log);
    await io.close();
    expect(log.map((e) => (e as unknown[]).slice(0, 2))).toEqual([
      ["disconnecting", "server shutting down"],
      ["disconnect", "server shutting down"],
      ["disconnecting", "server shutting down"],
      ["disconnect", "server shutting down"],
    ]);
    expect(io.sockets.sockets.size).toBe(0);
    expect(io.of("/b").sockets.size).toBe(0);
  });
});
