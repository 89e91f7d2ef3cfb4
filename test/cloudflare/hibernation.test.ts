// Hibernation in workerd: the object loses every piece of in-memory state while its
// WebSockets stay open, and the next event must find every room, every `socket.data`, every
// namespace and socket id as they were, with the user's handlers attached again.
//
// Two ways to lose the memory:
// - `simulateHibernation()` (a test-only route): drops the server, the engine, the timers and
//   every map, and the next event rebuilds them through the same code a fresh constructor
//   runs. Deterministic, so most cases use it.
// - the real thing: workerd evicts an object that has been idle for 10 s (hibernatable
//   WebSockets do not keep it in memory) and constructs a new instance for the next event.
//   One case waits for it, with a 12 s heartbeat that has to wake the evicted object
//   through its alarm.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { connected, nextEvent, upgraded, within } from "../interop/clients.js";
import { RawEngineSocket } from "../interop/raw-engine.js";
import { workerWithClients } from "./support/worker-with-clients.js";

const entry = fileURLToPath(new URL("./workers/hibernation-worker.ts", import.meta.url));

interface SocketState {
  id: string;
  nsp: string;
  rooms: string[];
  data: Record<string, unknown>;
  recovered: boolean;
}

interface Stats {
  constructed: number;
  middlewareRuns: number;
  fresh: number;
  recovered: number;
}

const fixture = workerWithClients(entry, { IO: "HibernationObject", SLEEPY: "SleepyObject" });
let objectCounter = 0;

/** A fresh object name per case, so cases do not share state. */
function objectName(prefix = "room"): string {
  objectCounter += 1;
  return `${prefix}-${objectCounter}`;
}

function client(object: string, transports: string[] = ["websocket"], nsp = "/"): Promise<Socket> {
  return fixture.pool.connect(nsp, { transports, query: { object } });
}

function ask<T>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(3000).emitWithAck(event, ...args) as Promise<T>;
}

async function hibernate(object: string): Promise<void> {
  const response = await fetch(`${fixture.worker.url}/__test/hibernate?object=${object}`);
  expect(await response.text()).toBe("ok");
}

/** Every "shout" a socket receives, in order. */
function shouts(socket: Socket): string[] {
  const heard: string[] = [];
  socket.on("shout", (message: string) => heard.push(message));
  return heard;
}

describe("after the object forgot everything in memory", () => {
  it("handles the next message with rooms, data and socket ids intact, in every namespace", async () => {
    const object = objectName();
    const manager = fixture.pool.manager({ transports: ["websocket"], query: { object } });
    const main = await connected(manager.socket("/"));
    const admin = await connected(manager.socket("/admin"));
    await ask(main, "join", "red");
    await ask(main, "set", "nick", "ann");
    await ask(main, "set", "prefs", { theme: "dark", sizes: [1, 2] });
    await ask(admin, "join", "ops");
    await ask(admin, "set", "role", "op");
    const before = await ask<Stats>(main, "stats");

    await hibernate(object);

    expect(await ask<SocketState>(main, "state")).toEqual({
      id: main.id,
      nsp: "/",
      rooms: [main.id, "red"].sort(),
      data: { nick: "ann", prefs: { theme: "dark", sizes: [1, 2] } },
      recovered: true,
    });
    expect(await ask<SocketState>(admin, "state")).toEqual({
      id: admin.id,
      nsp: "/admin",
      rooms: [admin.id, "ops"].sort(),
      data: { role: "op" },
      recovered: true,
    });
    const after = await ask<Stats>(main, "stats");
    // Both sockets went through the "connection" handlers again, as recovered, and no middleware ran.
    expect(after.recovered - before.recovered).toBe(2);
    expect(after.middlewareRuns).toBe(before.middlewareRuns);
    expect(after.fresh).toBe(before.fresh);
  });

  it("delivers a room broadcast to exactly the room's members", async () => {
    const object = objectName();
    const [a, b, c] = await Promise.all([client(object), client(object), client(object)]);
    await ask(a, "join", "red");
    await ask(b, "join", "red");
    await ask(c, "join", "blue");
    const [heardA, heardB, heardC] = [shouts(a), shouts(b), shouts(c)];

    await hibernate(object);

    const bHears = nextEvent(b, "shout", 3000);
    await ask(a, "shout", "red", "to red");
    expect(await bHears).toEqual(["to red"]);
    // What a connection receives arrives in order: once c hears the second shout, it would
    // have heard the first one before it, and a's ack for its next request follows anything
    // broadcast to a before it.
    const cHears = nextEvent(c, "shout", 3000);
    await ask(b, "shout", "blue", "to blue");
    expect(await cHears).toEqual(["to blue"]);
    await ask(a, "state");
    expect(heardA).toEqual([]);
    expect(heardB).toEqual(["to red"]);
    expect(heardC).toEqual(["to blue"]);
  });

  it("keeps room changes and data written after a hibernation for the next one", async () => {
    const object = objectName();
    const [a, b] = await Promise.all([client(object), client(object)]);
    await hibernate(object);
    await ask(a, "join", "green");
    await ask(a, "set", "step", 2);
    await hibernate(object);
    const bHears = nextEvent(b, "shout", 3000);
    await ask(b, "join", "green");
    await ask(a, "shout", "green", "still green");
    expect(await bHears).toEqual(["still green"]);
    expect(await ask<SocketState>(a, "state")).toMatchObject({ rooms: [a.id, "green"].sort(), data: { step: 2 } });
  });

  it("keeps state larger than the attachment in storage, and deletes it when no longer needed", async () => {
    const object = objectName();
    const [a, b] = await Promise.all([client(object), client(object)]);
    const essay = "é".repeat(3000); // 6 KB serialized: over the 2 KiB budget
    await ask(a, "set", "essay", essay);
    await ask(a, "join", "big");
    await ask(b, "set", "essay", essay);
    const keys = async (): Promise<string[]> =>
      ((await (await fetch(`${fixture.worker.url}/__test/storage?object=${object}`)).json()) as { keys: string[] }).keys;
    const keysOf = (socket: Socket): string[] => [`unio:ws:${socket.io.engine.id}:c`, `unio:ws:${socket.io.engine.id}:h`];
    expect(await keys()).toEqual([...keysOf(a), ...keysOf(b)].sort());

    await hibernate(object);

    expect(await ask<SocketState>(a, "state")).toMatchObject({ rooms: [a.id, "big"].sort(), data: { essay } });
    expect(await ask<SocketState>(b, "state")).toMatchObject({ data: { essay } });
    // a's state fits again: it all returns to the attachment. b leaves: its keys go.
    await ask(a, "set", "essay", "short again");
    b.disconnect();
    for (let attempt = 0; attempt < 50 && (await keys()).length > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await keys()).toEqual([]);
    await hibernate(object);
    expect(await ask<SocketState>(a, "state")).toMatchObject({ rooms: [a.id, "big"].sort(), data: { essay: "short again" } });
  });

  it("restores a connection that upgraded from polling (socket.io-client's default)", async () => {
    const object = objectName();
    const socket = await client(object, ["polling", "websocket"]);
    await upgraded(socket);
    await ask(socket, "join", "upgraded");
    await ask(socket, "set", "via", "polling first");
    await hibernate(object);
    expect(await ask<SocketState>(socket, "state")).toEqual({
      id: socket.id,
      nsp: "/",
      rooms: [socket.id, "upgraded"].sort(),
      data: { via: "polling first" },
      recovered: true,
    });
  });

  it("restores a connection that had not joined a namespace yet: its CONNECT is still heard", async () => {
    const object = objectName();
    const raw = await RawEngineSocket.open(fixture.worker.url, `EIO=4&transport=websocket&object=${object}`);
    try {
      await raw.handshake();
      await hibernate(object);
      const id = await raw.joinMain();
      expect(id).toMatch(/^[\w-]{10,}$/);
    } finally {
      raw.terminate();
    }
  });

  it("sends from outside any handler (server()) to a room of restored sockets", async () => {
    const object = objectName();
    const [a, b] = await Promise.all([client(object), client(object)]);
    await ask(a, "join", "news");
    const heardB = shouts(b);
    await hibernate(object);
    const aHears = nextEvent(a, "shout", 3000);
    const response = await fetch(`${fixture.worker.url}/__test/announce?object=${object}&room=news&text=extra`);
    expect(await response.text()).toBe("ok");
    expect(await aHears).toEqual(["extra"]);
    await ask(b, "state");
    expect(heardB).toEqual([]);
  });

  it("accepts new connections next to the restored ones", async () => {
    const object = objectName();
    const a = await client(object);
    await ask(a, "join", "red");
    await hibernate(object);
    const d = await client(object);
    await ask(d, "join", "red");
    const dHears = nextEvent(d, "shout", 3000);
    await ask(a, "shout", "red", "hello newcomer");
    expect(await dHears).toEqual(["hello newcomer"]);
    expect(d.id).not.toBe(a.id);
  });

  it("does not keep polling sessions: the client's next request finds no session and it reconnects", async () => {
    const object = objectName();
    const socket = fixture.pool.open("/", { transports: ["polling"], query: { object }, reconnection: true, reconnectionDelay: 50 });
    await connected(socket);
    const firstId = socket.id;
    const dropped = nextEvent(socket, "disconnect", 5000);
    // The parked long poll fails as the server is dropped (as in a real eviction); the
    // client's next request reaches a server that knows no such session.
    await hibernate(object);
    expect((await dropped)[0]).toBe("transport error");
    await nextEvent(socket, "connect", 5000);
    expect(socket.id).not.toBe(firstId);
  });
});

describe("a real hibernation in workerd", () => {
  it("wakes an evicted object with its alarm to ping, and keeps every room and data", { timeout: 40_000 }, async () => {
    const object = objectName("sleepy");
    const [a, b] = await Promise.all([client(object), client(object)]);
    await ask(a, "join", "night");
    await ask(b, "join", "night");
    await ask(a, "set", "mood", "sleepy");
    const before = await ask<Stats>(a, "stats");
    const alarm = await (await fetch(`${fixture.worker.url}/__test/alarm?object=${object}`)).json() as { alarm: number | null };
    // The next heartbeat is the alarm, on the 1 s grid (min(1000, pingTimeout / 4)).
    expect(alarm.alarm).not.toBeNull();
    expect((alarm.alarm ?? 1) % 1000).toBe(0);
    expect((alarm.alarm ?? 0) - Date.now()).toBeGreaterThan(10_000);

    // Nothing happens for 12 s: workerd evicts the idle object after 10 s, then the alarm
    // wakes a new instance, which pings both sockets.
    await within(Promise.all([nextEvent(a.io.engine, "ping", 20_000), nextEvent(b.io.engine, "ping", 20_000)]), 20_000, "pings");

    const after = await ask<Stats>(a, "stats");
    expect(after.constructed).toBe(before.constructed + 1);
    expect(after.recovered - before.recovered).toBe(2);
    expect(await ask<SocketState>(a, "state")).toEqual({
      id: a.id,
      nsp: "/",
      rooms: [a.id, "night"].sort(),
      data: { mood: "sleepy" },
      recovered: true,
    });
    const bHears = nextEvent(b, "shout", 3000);
    await ask(a, "shout", "night", "good morning");
    expect(await bHears).toEqual(["good morning"]);
    expect(a.connected && b.connected).toBe(true);
  });
});
