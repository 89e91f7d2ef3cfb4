import { describe, expect, it } from "vitest";
import type { ExtendedError } from "../../src/io/middleware.js";
import type { Socket } from "../../src/io/socket.js";
import { flush, setup } from "./support/harness.js";

function refusal(message: string, data?: unknown): ExtendedError {
  const err: ExtendedError = new Error(message);
  if (data !== undefined) err.data = data;
  return err;
}

describe("connection middlewares (io.use / nsp.use)", () => {
  it("run in order, see the socket before it connects, and admit it with next()", () => {
    const { io, open } = setup();
    const seen: string[] = [];
    io.use((socket, next) => {
      seen.push(`1:${socket.id}:${socket.connected}:${JSON.stringify(socket.handshake.auth)}`);
      next();
    });
    io.use((_socket, next) => {
      seen.push("2");
      next();
    });
    io.on("connection", () => seen.push("connection"));
    const conn = open();
    conn.receive('40{"token":"t"}');
    expect(seen).toEqual(['1:id1:false:{"token":"t"}', "2", "connection"]);
    expect(conn.out).toEqual(['40{"sid":"id1"}']);
  });

  it("refuse with CONNECT_ERROR {message} when next(err) has no data", () => {
    const { io, open } = setup();
    let connected = false;
    io.use((_socket, next) => next(new Error("not authorized")));
    io.on("connection", () => {
      connected = true;
    });
    const conn = open();
    conn.receive("40");
    expect(conn.out).toEqual(['44{"message":"not authorized"}']);
    expect(connected).toBe(false);
    expect(io.sockets.sockets.size).toBe(0);
    expect(conn.closeCalls).toBe(0);
  });

  it("refuse with CONNECT_ERROR {message, data} when the error has data", () => {
    const { io, open } = setup();
    io.of("/admin").use((_socket, next) => next(refusal("forbidden", { reason: "role", need: ["admin"] })));
    const conn = open();
    conn.receive("40/admin,");
    expect(conn.out).toEqual(['44/admin,{"message":"forbidden","data":{"reason":"role","need":["admin"]}}']);
  });

  it("accept after an asynchronous decision, and let the client retry after a refusal", async () => {
    const { io, open } = setup();
    io.use(async (socket, next) => {
      await Promise.resolve();
      if (socket.handshake.auth["token"] === "good") next();
      else next(new Error("bad token"));
    });
    const conn = open();
    conn.receive('40{"token":"bad"}');
    expect(conn.out).toEqual([]);
    await flush();
    conn.receive('40{"token":"good"}');
    await flush();
    expect(conn.out).toEqual(['44{"message":"bad token"}', '40{"sid":"id2"}']);
  });

  it("ignore a repeated CONNECT while the middlewares still decide", async () => {
    const { io, open } = setup();
    let admit: (() => void) | undefined;
    io.use((_socket, next) => {
      admit ??= () => next();
    });
    const conn = open();
    conn.receive("40", "40");
    admit!();
    expect(conn.out).toEqual(['40{"sid":"id1"}']);
    expect(conn.closeCalls).toBe(0);
  });

  it("drop the pending join when the client leaves or the connection closes meanwhile", () => {
    const { io, open } = setup();
    const admits: Array<() => void> = [];
    let connections = 0;
    io.use((_socket, next) => {
      admits.push(() => next());
    });
    io.on("connection", () => {
      connections++;
    });
    const a = open();
    a.receive("40", "41");
    const b = open();
    b.receive("40");
    b.drop("transport close");
    for (const admit of admits) admit();
    expect(a.out).toEqual([]);
    expect(connections).toBe(0);
    expect(io.sockets.sockets.size).toBe(0);
  });

  it("may join rooms and emit before the socket connects; a refusal leaves the rooms", () => {
    const { io, open } = setup();
    io.use((socket, next) => {
      socket.join("lobby");
      socket.emit("welcome");
      if (socket.handshake.auth["ok"] === true) next();
      else next(new Error("no"));
    });
    const adapter = io.sockets.adapter as unknown as { rooms: Map<string, Set<string>> };
    const refused = open();
    refused.receive("40");
    expect(refused.out).toEqual(['42["welcome"]', '44{"message":"no"}']);
    expect(adapter.rooms.has("lobby")).toBe(false);
    const admitted = open();
    admitted.receive('40{"ok":true}');
    expect(admitted.out).toEqual(['42["welcome"]', '40{"sid":"id2"}']);
    expect(adapter.rooms.get("lobby")).toEqual(new Set(["id2"]));
  });

  it("a middleware that throws or rejects before deciding refuses with a generic message and is reported", async () => {
    const { io, open, errors, errorSockets } = setup();
    const bug = new Error("middleware bug with secret details");
    io.use((socket) => {
      if (socket.handshake.auth["async"] === true) return Promise.reject(bug);
      throw bug;
    });
    const a = open();
    a.receive("40");
    const b = open();
    b.receive('40{"async":true}');
    await flush();
    expect(a.out).toEqual(['44{"message":"Internal server error"}']);
    expect(b.out).toEqual(['44{"message":"Internal server error"}']);
    expect(errors).toEqual([bug, bug]);
    expect((errorSockets[0] as Socket).id).toBe("id1");
  });

  it("an error thrown after next() was called is only reported", () => {
    const { io, open, errors } = setup();
    io.use((_socket, next) => {
      next();
      throw new Error("after");
    });
    const conn = open();
    conn.receive("40");
    expect(conn.out).toEqual(['40{"sid":"id1"}']);
    expect(errors).toEqual([new Error("after")]);
  });

  it("an error whose data cannot be encoded still refuses the client, and is reported", () => {
    const { io, open, errors } = setup();
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    io.use((_socket, next) => next(refusal("nope", circular)));
    const conn = open();
    conn.receive("40");
    expect(conn.out).toEqual(['44{"message":"nope"}']);
    expect(errors).toHaveLength(1);
  });
});

describe("per-packet middlewares (socket.use)", () => {
  it("see [event, ...args, ack] and pass the event on with next()", () => {
    const { io, open } = setup();
    const seen: unknown[] = [];
    io.on("connection", (socket) => {
      socket.use((packet, next) => {
        seen.push(packet.map((x) => (typeof x === "function" ? "ack" : x)));
        next();
      });
      socket.on("hi", (...args: unknown[]) => {
        seen.push(["handler", args.length]);
      });
    });
    const conn = open();
    conn.receive("40", '421["hi",1]');
    expect(seen).toEqual([["hi", 1, "ack"], ["handler", 2]]);
  });

  it("next(err) drops the event and emits `error` on the socket", () => {
    const { io, open } = setup();
    const got: unknown[] = [];
    io.on("connection", (socket) => {
      socket.use(([event], next) => {
        if (event === "admin") next(new Error("unauthorized event"));
        else next();
      });
      socket.on("error", (err) => got.push(`error:${err.message}`));
      socket.on("admin", () => got.push("admin"));
      socket.on("public", () => got.push("public"));
    });
    const conn = open();
    conn.receive("40", '42["admin"]', '42["public"]');
    expect(got).toEqual(["error:unauthorized event", "public"]);
    expect(conn.closeCalls).toBe(0);
  });

  it("a middleware that throws drops the packet and is reported", () => {
    const { io, open, errors } = setup();
    const got: string[] = [];
    io.on("connection", (socket) => {
      socket.use(() => {
        throw new Error("packet mw bug");
      });
      socket.on("x", () => got.push("x"));
    });
    const conn = open();
    conn.receive("40", '42["x"]');
    expect(got).toEqual([]);
    expect(errors).toEqual([new Error("packet mw bug")]);
  });
});
