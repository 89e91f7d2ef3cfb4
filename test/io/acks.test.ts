import { describe, expect, it } from "vitest";
import { flush, setup } from "./support/harness.js";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("client → server acknowledgements", () => {
  it("give the handler a callback that answers 43<id>[…], once", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    let ack: ((...args: unknown[]) => void) | undefined;
    socket.on("get", (key: unknown, cb: (...args: unknown[]) => void) => {
      expect(key).toBe("k");
      ack = cb;
    });
    conn.receive('4212["get","k"]');
    expect(typeof ack).toBe("function");
    ack!("v", 2);
    ack!("again");
    expect(conn.out).toEqual(['4312["v",2]']);
  });

  it("answer in the event's namespace; no arguments is an empty list", () => {
    const { io, open } = setup();
    io.of("/n").on("connection", (s) => s.on("ping", (cb: () => void) => cb()));
    const conn = open();
    conn.receive("40/n,", '42/n,0["ping"]');
    expect(conn.out).toEqual(['40/n,{"sid":"id1"}', "43/n,0[]"]);
  });

  it("answer with binary as BINARY_ACK plus attachments", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    socket.on("read", (cb: (...args: unknown[]) => void) => cb({ data: bytes(7, 7) }));
    conn.receive('423["read"]');
    expect(conn.out).toEqual(['461-3[{"data":{"_placeholder":true,"num":0}}]', bytes(7, 7)]);
  });

  it("a binary event with an ack id gets its answer", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    socket.on("sum", (data: unknown, cb: (n: number) => void) => cb((data as Uint8Array).reduce((a, b) => a + b, 0)));
    conn.receive('451-9["sum",{"_placeholder":true,"num":0}]', bytes(1, 2, 3));
    expect(conn.out).toEqual(["439[6]"]);
  });

  it("an answer that cannot be encoded is reported, not thrown, and nothing is sent", () => {
    const { connect, errors, errorSockets } = setup();
    const { conn, socket } = connect();
    socket.on("bad", (cb: (v: unknown) => void) => cb(10n));
    conn.receive('421["bad"]');
    expect(conn.out).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errorSockets[0]).toBe(socket);
  });

  it("an answer after the socket left is dropped", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    let ack: ((v: number) => void) | undefined;
    socket.on("slow", (cb: (v: number) => void) => {
      ack = cb;
    });
    conn.receive('421["slow"]', "41");
    ack!(1);
    expect(conn.out).toEqual([]);
  });
});

describe("server → client acknowledgements", () => {
  it("number ids per socket from 0 and call the callback with the answer", () => {
    const { connect } = setup();
    const a = connect();
    const b = connect();
    const got: unknown[] = [];
    a.socket.emit("q", 1, (...args: unknown[]) => got.push(["a0", ...args]));
    a.socket.emit("q", 2, (...args: unknown[]) => got.push(["a1", ...args]));
    b.socket.emit("q", 3, (...args: unknown[]) => got.push(["b0", ...args]));
    expect(a.conn.out).toEqual(['420["q",1]', '421["q",2]']);
    expect(b.conn.out).toEqual(['420["q",3]']);
    a.conn.receive('431["second",true]', '430["first"]');
    b.conn.receive("430[]");
    expect(got).toEqual([["a1", "second", true], ["a0", "first"], ["b0"]]);
  });

  it("ignore unknown and repeated ack ids", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.emit("q", (v: unknown) => got.push(v));
    conn.receive("437[1]", "430[1]", "430[2]");
    expect(got).toEqual([1]);
    expect(conn.closeCalls).toBe(0);
  });

  it("binary answers arrive as Uint8Array", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.emit("file", (v: unknown) => got.push(v));
    conn.receive('461-0[{"_placeholder":true,"num":0}]', bytes(4, 2));
    expect(got).toEqual([bytes(4, 2)]);
  });

  it("timeout(ms): the callback gets (null, ...answer) in time", () => {
    const { connect, clock, io } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.timeout(1000).emit("q", (err: unknown, v: unknown) => got.push([err, v]));
    clock.advance(999);
    conn.receive('430["ok"]');
    clock.advance(10_000);
    expect(got).toEqual([[null, "ok"]]);
    expect(io.engine.timers.size).toBe(0);
  });

  it("timeout(ms): the callback gets an error once ms pass, and a late answer is ignored", () => {
    const { connect, clock } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.timeout(1000).emit("q", (err: unknown, v: unknown) => got.push([err, v]));
    clock.advance(999);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got).toEqual([[new Error("operation has timed out"), undefined]]);
    conn.receive('430["late"]');
    expect(got).toHaveLength(1);
  });

  it("timeout() does not leak into the next emit", () => {
    const { connect, clock } = setup();
    const { socket } = connect();
    const got: unknown[] = [];
    const timed = socket.timeout(10);
    timed.emit("a", () => got.push("timed"));
    socket.emit("b", (...args: unknown[]) => got.push(["plain", ...args]));
    clock.advance(1000);
    expect(got).toEqual(["timed"]);
  });

  it("emitWithAck resolves with the answer's first argument", async () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const answer = socket.emitWithAck("q", "x");
    expect(conn.out).toEqual(['420["q","x"]']);
    conn.receive('430[42,"ignored"]');
    await expect(answer).resolves.toBe(42);
  });

  it("timeout().emitWithAck rejects after ms, resolves in time", async () => {
    const { connect, clock } = setup();
    const { conn, socket } = connect();
    const late = socket.timeout(100).emitWithAck("q");
    const onTime = socket.timeout(100).emitWithAck("q");
    conn.receive('431["fine"]');
    clock.advance(100);
    await expect(late).rejects.toThrow("operation has timed out");
    await expect(onTime).resolves.toBe("fine");
  });

  it("emitWithAck throws at once for local misuse", () => {
    const { connect } = setup();
    const { socket } = connect();
    expect(() => socket.emitWithAck("disconnect")).toThrow(/reserved/);
    expect(() => socket.timeout(5).emitWithAck("x", 1n)).toThrow();
  });

  it("on disconnect, deadline-bound acks fail at once and their timers go; plain acks are dropped", async () => {
    const { connect, clock, io } = setup();
    const { conn, socket } = connect();
    const got: unknown[] = [];
    socket.timeout(1000).emit("q", (err: unknown) => got.push(["timed", err]));
    socket.emit("q", (...args: unknown[]) => got.push(["plain", ...args]));
    const promise = socket.timeout(1000).emitWithAck("q");
    conn.drop("transport close");
    expect(got).toEqual([["timed", new Error("socket has been disconnected")]]);
    await expect(promise).rejects.toThrow("socket has been disconnected");
    expect(io.engine.timers.size).toBe(0);
    clock.advance(5000);
    expect(got).toHaveLength(1);
  });

  it("emitting on a disconnected socket sends nothing; a timed ack fails on the next microtask", async () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    conn.drop("transport close");
    const got: unknown[] = [];
    socket.emit("x");
    socket.timeout(5).emit("x", (err: unknown) => got.push(err));
    expect(got).toEqual([]);
    await flush();
    expect(got).toEqual([new Error("socket has been disconnected")]);
    expect(conn.out).toEqual([]);
  });

  it("an ack callback that throws is reported and the socket carries on", () => {
    const { connect, errors } = setup();
    const { conn, socket } = connect();
    const boom = new Error("ack bug");
    socket.emit("q", () => {
      throw boom;
    });
    conn.receive("430[]");
    expect(errors).toEqual([boom]);
    socket.emit("next");
    expect(conn.out.at(-1)).toBe('42["next"]');
  });
});
