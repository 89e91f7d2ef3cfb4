import { afterEach, describe, expect, it, vi } from "vitest";
import { Server } from "../../src/io/server.js";
import { FakeConn, flush, handshakeRequest, setup } from "./support/harness.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("application errors are isolated and reported", () => {
  it("a throwing event listener: reported with its socket; later listeners and other sockets carry on", () => {
    const { connect, errors, errorSockets } = setup();
    const a = connect();
    const b = connect();
    const got: string[] = [];
    const boom = new Error("handler bug");
    for (const { socket } of [a, b]) {
      socket.on("x", () => {
        throw boom;
      });
      socket.on("x", () => got.push(socket.id));
    }
    a.conn.receive('42["x"]');
    b.conn.receive('42["x"]');
    expect(got).toEqual(["id1", "id2"]);
    expect(errors).toEqual([boom, boom]);
    expect(errorSockets).toEqual([a.socket, b.socket]);
    expect(a.socket.connected && b.socket.connected).toBe(true);
    expect(a.conn.closeCalls + b.conn.closeCalls).toBe(0);
  });

  it("an async listener that rejects is reported when it rejects", async () => {
    const { connect, errors } = setup();
    const { conn, socket } = connect();
    socket.on("x", async () => {
      await Promise.resolve();
      throw new Error("async bug");
    });
    conn.receive('42["x"]');
    expect(errors).toEqual([]);
    await flush();
    expect(errors).toEqual([new Error("async bug")]);
  });

  it("connection handlers, catch-all listeners and disconnect listeners too", async () => {
    const { io, open, errors } = setup();
    io.on("connection", (socket) => {
      socket.onAny(() => {
        throw new Error("any");
      });
      socket.onAnyOutgoing(() => {
        throw new Error("outgoing");
      });
      socket.on("disconnect", () => {
        throw new Error("disconnect");
      });
      throw new Error("connection");
    });
    io.on("connection", async (socket) => {
      socket.emit("still-called");
    });
    const conn = open();
    conn.receive("40", '42["e"]', "41");
    expect(conn.out).toEqual(['40{"sid":"id1"}', '42["still-called"]']);
    expect(errors).toEqual([
      new Error("connection"),
      new Error("outgoing"),
      new Error("any"),
      new Error("disconnect"),
    ]);
  });

  it("an onUserError that throws falls back to the console", () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const { connect } = setup({
      onUserError: () => {
        throw new Error("reporter bug");
      },
    });
    const { conn, socket } = connect();
    socket.on("x", () => {
      throw new Error("handler bug");
    });
    conn.receive('42["x"]');
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(consoleError.mock.calls[0]![1]).toEqual(new Error("handler bug"));
    expect(socket.connected).toBe(true);
  });

  it("the default report is console.error", () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const io = new Server();
    io.on("connection", () => {
      throw new Error("default");
    });
    const conn = new FakeConn("s", handshakeRequest());
    io._onconnection(conn);
    conn.receive("40");
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(consoleError.mock.calls[0]).toContainEqual(new Error("default"));
    void io.close();
  });
});
