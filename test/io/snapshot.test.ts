import { describe, expect, it } from "vitest";
import type { Server } from "../../src/io/server.js";
import type { Socket } from "../../src/io/socket.js";
import { FakeConn, handshakeRequest, setup } from "./support/harness.js";

/** The application: the same handlers on the server before and after a "hibernation". */
function app(io: Server, log: unknown[]): void {
  const onConnection = (socket: Socket) => {
    log.push(["connection", socket.nsp.name, socket.id, socket.recovered]);
    socket.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v));
  };
  io.on("connection", onConnection);
  io.of("/admin").on("connection", onConnection);
  io.of(/^\/room-\d+$/).on("connection", onConnection);
}

describe("client snapshots", () => {
  it("hold the durable state as small plain JSON", () => {
    const { io, open } = setup();
    app(io, []);
    const conn = open();
    conn.receive("40", '40/admin,{"token":"t"}', "40/room-7,");
    const main = io.sockets.sockets.get("id1")!;
    main.join(["lobby", "vip"]);
    main.data = { user: "ann", score: 3 };
    main.emit("q", () => {});
    const snapshot = main.client.snapshot();
    expect(snapshot).toEqual({
      v: 1,
      sid: "sid1",
      protocol: 4,
      sockets: [
        { nsp: "/", id: "id1", rooms: ["lobby", "vip"], data: { user: "ann", score: 3 }, auth: {}, issued: 1_700_000_000_000, ackId: 1 },
        { nsp: "/admin", id: "id2", rooms: [], data: {}, auth: { token: "t" }, issued: 1_700_000_000_000, ackId: 0 },
        { nsp: "/room-7", id: "id3", rooms: [], data: {}, auth: {}, issued: 1_700_000_000_000, ackId: 0 },
      ],
    });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(JSON.stringify(snapshot).length).toBeLessThan(400);
  });

  it("restore the sockets on a fresh server: same ids, rooms and data, handlers re-run, nothing sent", () => {
    const before = setup();
    app(before.io, []);
    const conn = before.open();
    conn.receive("40", '40/admin,{"token":"t"}', "40/room-7,");
    const main = before.io.sockets.sockets.get("id1")!;
    main.join("lobby");
    main.data = { user: "ann" };
    main.emit("q", () => {});
    const saved = JSON.parse(JSON.stringify(main.client.snapshot()));

    // A new isolate: a new server with the same application, and the engine's session back.
    const after = setup();
    const log: unknown[] = [];
    app(after.io, log);
    const revived = new FakeConn("sid1", handshakeRequest());
    const client = after.io.restoreClient(revived, saved);
    expect(revived.out).toEqual([]);
    expect(log).toEqual([
      ["connection", "/", "id1", true],
      ["connection", "/admin", "id2", true],
      ["connection", "/room-7", "id3", true],
    ]);
    const restored = after.io.sockets.sockets.get("id1")!;
    expect(restored.client).toBe(client);
    expect(restored.connected).toBe(true);
    expect([...restored.rooms]).toEqual(["id1", "lobby"]);
    expect(restored.data).toEqual({ user: "ann" });
    expect(after.io.of("/admin").sockets.get("id2")!.handshake.auth).toEqual({ token: "t" });
    expect(restored.handshake.issued).toBe(1_700_000_000_000);

    // It works as before: events, acks (ids continue), broadcasts to its rooms.
    revived.receive('425["echo","hi"]');
    restored.emit("q", () => {});
    after.io.to("lobby").emit("news");
    expect(revived.out).toEqual(['435["hi"]', '421["q"]', '42["news"]']);
    expect(client.snapshot()).toEqual({ ...saved, sockets: [{ ...saved.sockets[0], ackId: 2 }, ...saved.sockets.slice(1)] });
  });

  it("skip namespaces that no longer exist, and arm the connect timeout when nothing is left", () => {
    const { io, clock } = setup({ connectTimeout: 50 });
    const conn = new FakeConn("s9", handshakeRequest());
    io.restoreClient(conn, {
      v: 1,
      sid: "s9",
      protocol: 4,
      sockets: [{ nsp: "/gone", id: "x", rooms: [], data: {}, auth: {}, issued: 0, ackId: 0 }],
    });
    expect(io._nsps.has("/gone")).toBe(false);
    clock.advance(50);
    expect(conn.closeCalls).toBe(1);
  });

  it("refuse a snapshot of another session or a malformed one", () => {
    const { io } = setup();
    const conn = new FakeConn("s1", handshakeRequest());
    expect(() => io.restoreClient(conn, { v: 1, sid: "other", protocol: 4, sockets: [] })).toThrow(/other/);
    expect(() => io.restoreClient(conn, JSON.parse('{"v":2}'))).toThrow(TypeError);
    expect(() =>
      io.restoreClient(conn, JSON.parse('{"v":1,"sid":"s1","protocol":4,"sockets":[{"nsp":"/"}]}')),
    ).toThrow(/malformed/);
  });
});
