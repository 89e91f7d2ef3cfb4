// What keeps an idle session small, checked for its behaviour: the kept handshake request
// parses its query on first read (and keeps that one object), and a session born on a
// WebSocket is that socket's link itself, ignoring the socket once it has let go of it.
import { describe, expect, it } from "vitest";
import { Q, closes, fakeRequest, harness, messages, websocketSession } from "./fixtures.js";

describe("the kept handshake request", () => {
  it("parses its query on first read, then answers the same object", async () => {
    const h = harness();
    await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling&room=a%20b&x=1&x=2`));
    const req = h.sockets[0]!.request;
    const query = req.query;
    expect(query).toEqual({ EIO: "4", transport: "polling", room: "a b", x: "2" });
    expect(req.query).toBe(query);
  });

  it("is written whole by JSON.stringify (snapshots), query included", async () => {
    const h = harness();
    const init = { headers: { "user-agent": "t" }, remoteAddress: "10.0.0.1", secure: true };
    await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling&k=v`, init));
    expect(JSON.parse(JSON.stringify(h.sockets[0]!.request))).toEqual({
      url: "/engine.io/?EIO=4&transport=polling&k=v",
      headers: { "user-agent": "t" },
      query: { EIO: "4", transport: "polling", k: "v" },
      remoteAddress: "10.0.0.1",
      secure: true,
    });
  });

  it("shows allowRequest the parsed query, and a wrong EIO is still refused with code 5", async () => {
    const seen: unknown[] = [];
    const h = harness({ allowRequest: (req) => (seen.push(req.query), true) });
    await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=4&transport=polling&who=bob"));
    expect(seen).toEqual([{ EIO: "4", transport: "polling", who: "bob" }]);
    const refused = await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=3&transport=polling"));
    expect(refused.body).toBe('{"code":5,"message":"Unsupported protocol version"}');
  });
});

describe("a session born on a WebSocket is that socket's link", () => {
  it("hears the socket through itself, and nothing from it once it let the socket go", async () => {
    const h = harness({ maxHttpBufferSize: 10 });
    const { socket, conn, peer } = await websocketSession(h);
    expect(conn).toBe(socket);
    const got = messages(socket);
    const ended = closes(socket);
    conn.message("4hi");
    expect(got).toEqual(["hi"]);
    conn.message(`4${"x".repeat(20)}`); // too big: the session drops the socket and closes
    expect(peer.closedWith).toEqual({ code: 1009, reason: "message too big" });
    expect(ended).toEqual([{ reason: "transport error", description: "message too big" }]);
    conn.message("4late");
    conn.drained();
    conn.closed(1000, "");
    expect(got).toEqual(["hi"]);
    expect(ended).toHaveLength(1);
  });

  it("a close of the socket ends the session once, with the reason its code says", async () => {
    const h = harness();
    const { socket, conn } = await websocketSession(h);
    const ended = closes(socket);
    conn.closed(1007, "bad utf-8");
    conn.closed(1000, "");
    expect(ended).toEqual([{ reason: "transport error", description: "websocket closed with code 1007" }]);
  });
});

describe("an idle session's own fields", () => {
  // JSC puts an object of up to 12 fields in its 112-byte size class and one of 13 to 18 in the
  // 160-byte one: every connection holds one session, so rarely used state (polling, the probe,
  // on() listeners, a full send buffer) lives in a side object made on first need.
  it("stay at 12 or fewer on a WebSocket, with no side object until one is needed", async () => {
    const h = harness();
    const { socket } = await websocketSession(h);
    expect(Reflect.ownKeys(socket).length).toBeLessThanOrEqual(12);
    expect(Reflect.get(socket, "extras")).toBeUndefined();
    expect(socket.transport.name).toBe("websocket");
    socket.on("message", () => {});
    expect(Reflect.ownKeys(socket).length).toBeLessThanOrEqual(12);
    expect(Reflect.get(socket, "extras")).toBeDefined();
  });

  it("stay at 12 or fewer on polling", async () => {
    const h = harness();
    await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    const socket = h.sockets[0]!;
    expect(socket.transport.name).toBe("polling");
    expect(Reflect.ownKeys(socket).length).toBeLessThanOrEqual(12);
  });
});
