import { describe, expect, it } from "vitest";
import { flush, setup } from "./support/harness.js";

describe("unknown namespaces", () => {
  it("answers exactly 44<nsp>,{\"message\":\"Invalid namespace\"} and keeps the connection", () => {
    const { open } = setup();
    const conn = open();
    conn.receive("40/random,");
    expect(conn.out).toEqual(['44/random,{"message":"Invalid namespace"}']);
    expect(conn.closeCalls).toBe(0);
    conn.receive("40");
    expect(conn.take()).toEqual(['44/random,{"message":"Invalid namespace"}', '40{"sid":"id1"}']);
  });

  it("lets the client try again after a refusal", () => {
    const { open, io } = setup();
    const conn = open();
    conn.receive("40/late,");
    io.of("/late");
    conn.receive("40/late,");
    expect(conn.out).toEqual(['44/late,{"message":"Invalid namespace"}', '40/late,{"sid":"id1"}']);
  });
});

describe("dynamic namespaces from a RegExp", () => {
  it("creates a child on the first CONNECT that matches, and reuses it", () => {
    const { io, open } = setup();
    const parent = io.of(/^\/room-\d+$/);
    const joined: string[] = [];
    parent.on("connection", (socket) => joined.push(`${socket.nsp.name}:${socket.id}`));
    const a = open();
    a.receive("40/room-1,");
    const b = open();
    b.receive("40/room-1,", "40/room-2,", "40/room-x,");
    expect(a.out).toEqual(['40/room-1,{"sid":"id1"}']);
    expect(b.out).toEqual([
      '40/room-1,{"sid":"id2"}',
      '40/room-2,{"sid":"id3"}',
      '44/room-x,{"message":"Invalid namespace"}',
    ]);
    expect(joined).toEqual(["/room-1:id1", "/room-1:id2", "/room-2:id3"]);
    const child = io.of("/room-1");
    expect(child.parent).toBe(parent);
    expect(child.sockets.size).toBe(2);
  });

  it("io.of(name) for a name a RegExp parent matches creates that parent's child", () => {
    const { io } = setup();
    const parent = io.of(/^\/team-/);
    const child = io.of("/team-blue");
    expect(child.parent).toBe(parent);
    expect(parent.children.has(child)).toBe(true);
  });

  it("refuses stateful regular expressions", () => {
    const { io } = setup();
    expect(() => io.of(/x/g)).toThrow(/stateful/);
  });

  it("applies the parent's middlewares and handlers, parent's first, including ones added later", () => {
    const { io, open } = setup();
    const parent = io.of(/^\/dyn-/);
    const order: string[] = [];
    parent.use((_socket, next) => {
      order.push("parent mw");
      next();
    });
    parent.on("connection", () => order.push("parent handler"));
    open().receive("40/dyn-1,");
    const child = io.of("/dyn-1");
    child.use((_s, next) => {
      order.push("child mw");
      next();
    });
    child.on("connection", () => order.push("child handler"));
    parent.use((_s, next) => {
      order.push("late parent mw");
      next();
    });
    order.length = 0;
    open().receive("40/dyn-1,");
    expect(order).toEqual(["parent mw", "late parent mw", "child mw", "parent handler", "child handler"]);
  });

  it("a broadcast on the parent reaches every child, each with its own namespace", () => {
    const { io, open } = setup();
    const parent = io.of(/^\/dyn-/);
    const a = open();
    a.receive("40/dyn-a,");
    const b = open();
    b.receive("40/dyn-b,");
    a.take();
    b.take();
    parent.emit("hello", 1);
    expect(a.out).toEqual(['42/dyn-a,["hello",1]']);
    expect(b.out).toEqual(['42/dyn-b,["hello",1]']);
  });

  it("fetchSockets and disconnectSockets on the parent cover the children", async () => {
    const { io, open } = setup();
    const parent = io.of(/^\/dyn-/);
    const a = open();
    a.receive("40/dyn-a,");
    const b = open();
    b.receive("40/dyn-b,");
    const found = await parent.fetchSockets();
    expect(found.map((s) => s.id).sort()).toEqual(["id1", "id2"]);
    a.take();
    b.take();
    parent.disconnectSockets();
    expect(a.out).toEqual(["41/dyn-a,"]);
    expect(b.out).toEqual(["41/dyn-b,"]);
  });
});

describe("dynamic namespaces from a function", () => {
  it("asks the function with the name and auth; next(null, true) creates the child", () => {
    const { io, open } = setup();
    const asked: unknown[] = [];
    io.of((name, auth, next) => {
      asked.push([name, auth]);
      next(null, auth["key"] === "ok");
    });
    const conn = open();
    conn.receive('40/x,{"key":"no"}', '40/x,{"key":"ok"}');
    expect(asked).toEqual([
      ["/x", { key: "no" }],
      ["/x", { key: "ok" }],
    ]);
    expect(conn.out).toEqual(['44/x,{"message":"Invalid namespace"}', '40/x,{"sid":"id1"}']);
  });

  it("waits for an asynchronous answer", async () => {
    const { io, open } = setup();
    let answer: ((allow: boolean) => void) | undefined;
    io.of((_name, _auth, next) => {
      answer = (allow) => next(null, allow);
    });
    const conn = open();
    conn.receive("40/later,");
    expect(conn.out).toEqual([]);
    answer!(true);
    expect(conn.out).toEqual(['40/later,{"sid":"id1"}']);
  });

  it("tries the next parent when one refuses, throws or rejects (reporting the error)", async () => {
    const { io, open, errors } = setup();
    const boom = new Error("matcher bug");
    io.of(() => {
      throw boom;
    });
    io.of(async () => Promise.reject(new Error("async matcher bug")));
    io.of((_n, _a, next) => next(new Error("no"), true));
    const last = io.of((_n, _a, next) => next(null, true));
    const conn = open();
    conn.receive("40/any,");
    await flush();
    expect(conn.out).toEqual(['40/any,{"sid":"id1"}']);
    expect(io.of("/any").parent).toBe(last);
    expect(errors).toEqual([boom, new Error("async matcher bug")]);
  });
});

describe("cleanupEmptyChildNamespaces", () => {
  it("deletes a child namespace when its last socket leaves", () => {
    const { io, open } = setup({ cleanupEmptyChildNamespaces: true });
    const parent = io.of(/^\/tmp-/);
    const a = open();
    a.receive("40/tmp-1,");
    const b = open();
    b.receive("40/tmp-1,");
    const child = io._nsps.get("/tmp-1");
    expect(child).toBeDefined();
    a.receive("41/tmp-1,");
    expect(io._nsps.get("/tmp-1")).toBe(child);
    b.drop("transport close");
    expect(io._nsps.has("/tmp-1")).toBe(false);
    expect(parent.children.size).toBe(0);
    // A later client gets a fresh child.
    const c = open();
    c.receive("40/tmp-1,");
    expect(io._nsps.get("/tmp-1")).not.toBe(child);
  });

  it("keeps empty children by default, and never deletes static namespaces", () => {
    const { io, open } = setup();
    io.of(/^\/tmp-/);
    const stat = io.of("/static");
    const a = open();
    a.receive("40/tmp-1,", "40/static,");
    a.drop("transport close");
    expect(io._nsps.has("/tmp-1")).toBe(true);
    expect(io._nsps.get("/static")).toBe(stat);
  });
});
