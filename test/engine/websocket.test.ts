import { describe, expect, it } from "vitest";
import { closes, harness, messages, poll, pollingSession, post, settle, websocketSession } from "./fixtures.js";

const OPEN = '0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

describe("websocket transport", () => {
  it("delivers text and binary messages (a binary frame is a message, no type byte)", async () => {
    const h = harness();
    const { socket, conn } = await websocketSession(h);
    const got = messages(socket);
    conn.message("4hello");
    conn.message("4");
    conn.message(new Uint8Array([0, 255]));
    conn.message("6");
    expect(got).toEqual(["hello", "", new Uint8Array([0, 255])]);
  });

  it("coalesces the sends of one tick into ONE peer.send, in order", async () => {
    const h = harness();
    const { socket, peer } = await websocketSession(h);
    peer.batches = [];
    socket.send("a");
    socket.send(new Uint8Array([7]));
    socket.send("c");
    expect(peer.batches).toEqual([]); // nothing written synchronously
    expect(socket.bufferedBytes).toBe(5);
    await settle();
    expect(peer.batches).toEqual([["4a", new Uint8Array([7]), "4c"]]);
    expect(socket.bufferedBytes).toBe(0);
    socket.send("d");
    await settle();
    expect(peer.batches).toEqual([["4a", new Uint8Array([7]), "4c"], ["4d"]]);
  });

  it("hands the same pre-encoded packet object to every recipient of a broadcast", async () => {
    const h = harness();
    const a = await websocketSession(h);
    const b = await websocketSession(h);
    const packet = h.engine.prepare("news");
    expect(packet.data).toBe("4news");
    expect(h.engine.prepare(new Uint8Array([1])).data).toEqual(new Uint8Array([1]));
    a.socket.sendPacket(packet);
    b.socket.sendPacket(packet);
    await settle();
    expect(a.peer.packets.at(-1)).toBe(packet);
    expect(b.peer.packets.at(-1)).toBe(packet);
  });

  it("throws at once when the application sends something that is not text or bytes", async () => {
    const h = harness();
    const { socket } = await websocketSession(h);
    expect(() => socket.send(42 as unknown as string)).toThrow(TypeError);
    expect(() => socket.send(new ArrayBuffer(2) as unknown as Uint8Array)).toThrow(TypeError);
    expect(socket.bufferedBytes).toBe(0);
  });

  it("emits drain when the buffer is handed over", async () => {
    const h = harness();
    const { socket } = await websocketSession(h);
    let drains = 0;
    socket.on("drain", () => drains++);
    socket.send("x");
    await settle();
    expect(drains).toBe(1);
  });

  it("drain means the buffer is empty and the transport took it: not into backpressure, but when room comes back", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    const events: string[] = [];
    socket.on("drain", () => events.push(`drain, ${socket.bufferedBytes} buffered, writable ${socket.writable}`));
    peer.accepting = false;
    socket.send("big");
    await settle();
    expect(events).toEqual([]); // handed over, but the runtime's buffer is full
    peer.accepting = true;
    conn.drained(); // nothing queued meanwhile: the buffer is empty and writable again
    expect(events).toEqual(["drain, 0 buffered, writable true"]);
    peer.accepting = false;
    socket.send("a");
    await settle();
    socket.send("b");
    peer.accepting = true;
    conn.drained(); // "b" waited: it goes out, then drain, once
    expect(peer.batches.at(-1)).toEqual(["4b"]);
    expect(events).toEqual(["drain, 0 buffered, writable true", "drain, 0 buffered, writable true"]);
  });

  it("holds packets while the peer is backpressured, until drained()", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    peer.batches = [];
    peer.accepting = false;
    socket.send("1st");
    await settle();
    expect(peer.batches).toEqual([["41st"]]);
    expect(socket.writable).toBe(false);
    socket.send("2nd");
    socket.send("3rd");
    socket.send("volatile", { volatile: true }); // dropped: not writable
    await settle();
    expect(peer.batches).toEqual([["41st"]]);
    expect(socket.bufferedBytes).toBe(8);
    peer.accepting = true;
    conn.drained();
    expect(peer.batches).toEqual([["41st"], ["42nd", "43rd"]]);
    expect(socket.writable).toBe(true);
  });

  it("closes with write buffer full when a backpressured client holds too much, and releases it", async () => {
    const h = harness({ maxBufferedBytes: 1000 });
    const { socket, peer } = await websocketSession(h);
    const seen = closes(socket);
    peer.accepting = false;
    socket.send("warm-up");
    await settle();
    for (let i = 0; i < 9; i++) socket.send("x".repeat(99));
    expect(seen).toEqual([]);
    expect(socket.bufferedBytes).toBe(900);
    socket.send("x".repeat(200));
    expect(seen.map((c) => c.reason)).toEqual(["write buffer full"]);
    expect(socket.bufferedBytes).toBe(0);
    expect(peer.closedWith).toEqual({ code: 1008, reason: "write buffer full" });
    expect(h.engine.timers.size).toBe(0);
  });

  it("an undecodable frame closes the session with parse error", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    const seen = closes(socket);
    conn.message("9what");
    expect(seen).toEqual([{ reason: "parse error", description: 'invalid Engine.IO packet: unknown type "9"' }]);
    expect(peer.closedWith?.code).toBe(1002);
    conn.message("4after"); // ignored
    expect(h.engine.timers.size).toBe(0);
  });

  it("a message over maxHttpBufferSize closes the socket (1009) and the session", async () => {
    const h = harness({ maxHttpBufferSize: 8 });
    const { socket, peer, conn } = await websocketSession(h);
    const got = messages(socket);
    const seen = closes(socket);
    conn.message("412345678");
    expect(got).toEqual([]);
    expect(seen).toEqual([{ reason: "transport error", description: "message too big" }]);
    expect(peer.closedWith).toEqual({ code: 1009, reason: "message too big" });
  });

  it("a binary message over maxHttpBufferSize closes too", async () => {
    const h = harness({ maxHttpBufferSize: 4 });
    const { socket, conn } = await websocketSession(h);
    const seen = closes(socket);
    conn.message(new Uint8Array(5));
    expect(seen.map((c) => c.reason)).toEqual(["transport error"]);
  });

  for (const [code, reason] of [
    // A close from the client, or a connection that dropped without a close frame (1006),
    // is "transport close", as the reference's ws reports it.
    [1000, "transport close"],
    [1001, "transport close"],
    [1003, "transport close"],
    [1005, "transport close"],
    [1006, "transport close"],
    [1015, "transport close"],
    [3000, "transport close"],
    [4000, "transport close"],
    // The codes a shim closes with when its decoder refused the client's data.
    [1002, "transport error"],
    [1007, "transport error"],
    [1008, "transport error"],
    [1009, "transport error"],
    [1011, "transport error"],
  ] as const) {
    it(`a peer close with ${code} ends the session with ${reason}`, async () => {
      const h = harness();
      const { socket, peer, conn } = await websocketSession(h);
      const seen = closes(socket);
      conn.closed(code, "");
      conn.closed(code, ""); // idempotent
      expect(seen).toEqual([{ reason, description: `websocket closed with code ${code}` }]);
      expect(peer.closedWith).toBeUndefined(); // it is gone already
      expect(h.engine.clientsCount).toBe(0);
      expect(h.engine.timers.size).toBe(0);
    });
  }

  it("a client close packet closes the session at once with transport close", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    const seen = closes(socket);
    conn.message("1");
    expect(seen.map((c) => c.reason)).toEqual(["transport close"]);
    expect(peer.closedWith?.code).toBe(1000);
  });

  it("socket.close(): flushes the buffer, sends 1, closes with 1000; drain then close fire once", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    const seen = closes(socket);
    const events: string[] = [];
    socket.on("drain", () => events.push("drain"));
    socket.on("close", () => events.push("close"));
    peer.batches = [];
    socket.send("bye");
    socket.close();
    socket.close();
    expect(peer.batches).toEqual([["4bye", "1"]]);
    expect(peer.closedWith).toEqual({ code: 1000, reason: "forced close" });
    conn.closed(1000, "");
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(events).toEqual(["drain", "close"]);
    socket.send("after close");
    await settle();
    expect(peer.batches).toEqual([["4bye", "1"]]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("socket.close() on a backpressured peer waits for drained()", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    const seen = closes(socket);
    peer.accepting = false;
    socket.send("a");
    await settle();
    socket.send("b");
    socket.close();
    expect(socket.readyState).toBe("closing");
    expect(seen).toEqual([]);
    conn.drained();
    expect(peer.batches.at(-1)).toEqual(["4b", "1"]);
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("engine.close() closes websocket sessions with server shutting down", async () => {
    const h = harness();
    const { socket, peer } = await websocketSession(h);
    const seen = closes(socket);
    h.engine.close();
    expect(peer.batches.at(-1)).toEqual(["1"]);
    expect(peer.closedWith).toEqual({ code: 1001, reason: "server shutting down" });
    expect(seen.map((c) => c.reason)).toEqual(["server shutting down"]);
  });

  it("the open packet is the first frame even when nothing else is sent", async () => {
    const h = harness();
    const { peer } = await websocketSession(h);
    expect(peer.batches).toEqual([[OPEN]]);
  });

  it("a listener that throws is reported, not thrown into the shim", async () => {
    const h = harness();
    const { socket, conn } = await websocketSession(h);
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      socket.on("message", () => {
        throw new Error("handler bug");
      });
      expect(() => conn.message("4x")).not.toThrow();
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
    expect(socket.readyState).toBe("open");
  });
});

describe("heartbeat", () => {
  it("pings every pingInterval, and a pong schedules the next ping one interval later", async () => {
    const h = harness({ pingInterval: 1000, pingTimeout: 500 });
    const { socket, peer, conn } = await websocketSession(h);
    let beats = 0;
    socket.on("heartbeat", () => beats++);
    peer.batches = [];
    h.clock.advance(999);
    await settle();
    expect(peer.batches).toEqual([]);
    h.clock.advance(1);
    await settle();
    expect(peer.batches).toEqual([["2"]]);
    h.clock.advance(300);
    conn.message("3");
    expect(beats).toBe(1);
    h.clock.advance(999);
    await settle();
    expect(peer.batches).toEqual([["2"]]);
    h.clock.advance(1);
    await settle();
    expect(peer.batches).toEqual([["2"], ["2"]]);
    expect(socket.readyState).toBe("open");
  });

  it("closes with ping timeout when no pong comes within pingTimeout", async () => {
    const h = harness({ pingInterval: 1000, pingTimeout: 500 });
    const { socket, peer } = await websocketSession(h);
    const seen = closes(socket);
    h.clock.advance(1000 + 499);
    expect(seen).toEqual([]);
    h.clock.advance(1);
    expect(seen.map((c) => c.reason)).toEqual(["ping timeout"]);
    expect(peer.closedWith?.code).toBe(1000);
    expect(h.engine.clientsCount).toBe(0);
    expect(h.engine.timers.size).toBe(0);
  });

  it("other traffic while awaiting the pong extends the deadline once", async () => {
    const h = harness({ pingInterval: 1000, pingTimeout: 500 });
    const { socket, conn } = await websocketSession(h);
    const seen = closes(socket);
    h.clock.advance(1000); // ping at t=1000, deadline 1500
    h.clock.advance(400);
    conn.message("4busy"); // deadline → 1900
    h.clock.advance(400);
    conn.message("4busy again"); // no second extension
    h.clock.advance(99);
    expect(seen).toEqual([]);
    h.clock.advance(1);
    expect(seen.map((c) => c.reason)).toEqual(["ping timeout"]);
  });

  it("pings over polling go into the next GET", async () => {
    const h = harness({ pingInterval: 1000, pingTimeout: 500 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    h.clock.advance(1000);
    const get = poll(h, "s1");
    await settle();
    expect(get.value?.body).toBe("2");
    h.clock.advance(200);
    expect((await post(h, "s1", "3")).body).toBe("ok");
    h.clock.advance(1000);
    expect(seen).toEqual([]);
  });

  it("a client ping over websocket is a protocol violation", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    const seen = closes(socket);
    conn.message("2");
    expect(seen).toEqual([{ reason: "transport error", description: "cannot handle packet:ping in state open" }]);
    expect(peer.closedWith?.code).toBe(1002);
  });

  it("a pong nobody asked for is harmless and does not delay the next ping", async () => {
    const h = harness({ pingInterval: 1000, pingTimeout: 500 });
    const { peer, conn } = await websocketSession(h);
    peer.batches = [];
    h.clock.advance(600);
    conn.message("3");
    h.clock.advance(400);
    await settle();
    expect(peer.batches).toEqual([["2"]]);
  });
});
