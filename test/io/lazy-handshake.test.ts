// `socket.handshake` is built on first read for a client that sent no auth payload, and at
// connect for one that did; either way it reads as socket.io's, is one object per socket, and
// carries the time the socket was created, not the time of the read.
import { describe, expect, it } from "vitest";
import { OwnRoomSet } from "../../src/io/own-room-set.js";
import { setup } from "./support/harness.js";

describe("a socket's handshake", () => {
  it("without auth: only the creation time is kept until the first read, which builds it once", () => {
    const { connect, clock } = setup();
    const created = clock.time;
    const { socket } = connect("/", undefined, {
      headers: { origin: "https://app.example" },
      url: "/socket.io/?EIO=4&transport=websocket&x=1",
    });
    expect(socket._handshakeSlot).toBe(created);
    clock.advance(5000);
    const h = socket.handshake;
    expect(h).toBe(socket.handshake);
    expect(socket._handshakeSlot).toBe(h);
    expect(h.issued).toBe(created);
    expect(h.time).toBe(String(new Date(created)));
    expect(h.auth).toEqual({});
    expect(h.headers).toEqual({ origin: "https://app.example" });
    expect(h.xdomain).toBe(true);
    expect(h.url).toBe("/socket.io/?EIO=4&transport=websocket&x=1");
  });

  it("an explicit empty auth object is the same as none: each socket gets its own writable {}", () => {
    const { connect } = setup();
    const a = connect("/", {}).socket;
    const b = connect().socket;
    expect(typeof a._handshakeSlot).toBe("number");
    const authA = a.handshake.auth as Record<string, unknown>;
    authA["token"] = "set by a middleware";
    expect(b.handshake.auth).toEqual({});
    expect(a.handshake.auth).toEqual({ token: "set by a middleware" });
  });

  it("with auth: built at connect, holding the payload the client sent", () => {
    const { connect, clock } = setup();
    const created = clock.time;
    const { socket } = connect("/", { token: "abc" });
    const slot = socket._handshakeSlot;
    expect(typeof slot).toBe("object");
    clock.advance(1000);
    expect(socket.handshake).toBe(slot);
    expect(socket.handshake.auth).toEqual({ token: "abc" });
    expect(socket.handshake.issued).toBe(created);
  });

  it("a middleware reading it sees the same object the connection handler sees", () => {
    const { io, connect } = setup();
    const seen: unknown[] = [];
    io.use((socket, next) => {
      seen.push(socket.handshake);
      next();
    });
    io.on("connection", (socket) => seen.push(socket.handshake));
    connect();
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  it("a snapshot reads auth and issued without building it, and keeps the own room compact", () => {
    const { io, connect, clock } = setup();
    const created = clock.time;
    const { socket } = connect();
    socket.join("r");
    socket.leave("r");
    const plain = connect().socket;
    const snapshot = plain.client.snapshot();
    expect(snapshot.sockets).toEqual([{ nsp: "/", id: "id2", rooms: [], data: {}, auth: {}, issued: created, ackId: 0 }]);
    expect(typeof plain._handshakeSlot).toBe("number");
    const own = io.of("/").adapter.socketRooms("id2");
    expect(own).toBeInstanceOf(OwnRoomSet);
    expect((own as OwnRoomSet<string>).compact).toBe(true);
    expect(socket.client.snapshot().sockets[0]!.rooms).toEqual([]);
  });
});

describe("a socket's own fields", () => {
  // JSC puts an object of up to 12 fields in its 112-byte size class and one of 13 to 18 in the
  // 160-byte one, and every connected socket is one of these: a 13th field costs each
  // connection 48 bytes on Bun. Rarely used state goes into a side object made on first use
  // (as `hooks` does for onAny/onAnyOutgoing/use).
  it("stay at 12 or fewer", () => {
    const { connect } = setup();
    const { socket } = connect();
    socket.onAny(() => {});
    socket.use((_packet, next) => next());
    expect(Reflect.ownKeys(socket).length).toBeLessThanOrEqual(12);
  });
});
