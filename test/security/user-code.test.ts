// User code cannot take the server down. Every place application code runs — event
// handlers, catch-alls, connection and packet middlewares, connection and disconnect
// handlers, ack callbacks (answered or timed out), namespace matchers — may throw or
// reject: it is reported once through `onUserError` with the socket concerned, nothing
// escapes into the engine or the shim, the socket and every other socket carry on, and no
// deadline is lost. A value that cannot be encoded fails that emit with an EncodeError.

import { afterEach, describe, expect, it, vi } from "vitest";
import { EncodeError } from "../../src/codec/index.js";
import type { Socket } from "../../src/io/socket.js";
import { EMPTY, footprint, request, settle, world } from "./support/world.js";
import type { World, WsClient } from "./support/world.js";

afterEach(() => {
  vi.restoreAllMocks();
});

const BUG = new Error("application bug");

type Failure = "throws" | "rejects";

/** A user callback that fails the given way. */
function failing(how: Failure): (...args: unknown[]) => unknown {
  return how === "throws"
    ? () => {
        throw BUG;
      }
    : async () => {
        await Promise.resolve();
        throw BUG;
      };
}

async function socketOf(w: World, client: WsClient): Promise<Socket> {
  client.send('421["whoami"]');
  await settle();
  const answer = client.peer.take();
  const id = (JSON.parse(String(answer[0]).slice(3)) as [string])[0];
  const socket = w.io.sockets.sockets.get(id);
  if (socket === undefined) throw new Error(`no socket ${id}`);
  return socket;
}

function setupWorld(): World {
  const w = world();
  w.io.on("connection", (socket) => {
    socket.on("whoami", (ack: (id: string) => void) => ack(socket.id));
  });
  return w;
}

describe.each<Failure>(["throws", "rejects"])("user code that %s", (how) => {
  it("in an event handler and a catch-all: reported with the socket; the socket and others go on", async () => {
    const w = setupWorld();
    const bystander = await w.joined();
    const victim = await w.joined();
    const socket = await socketOf(w, victim);
    socket.on("boom", failing(how));
    socket.onAny(failing(how));
    victim.send('42["boom"]', '423["echo","after"]');
    await settle();
    expect(w.errors.map((e) => [e.error, e.socket])).toEqual([
      [BUG, socket],
      [BUG, socket],
      [BUG, socket],
    ]);
    expect(victim.peer.take()).toEqual(['433["after"]']);
    expect(socket.connected).toBe(true);
    expect(bystander.peer.closedWith).toBeUndefined();
    expect(await w.healthy()).toBe(true);
  });

  it("in a connection middleware: the client is refused with a generic error, the server goes on", async () => {
    const w = setupWorld();
    const bystander = await w.joined();
    w.io.use(failing(how));
    const victim = await w.websocket();
    victim.send("40");
    await settle();
    expect(victim.peer.take()).toEqual(['44{"message":"Internal server error"}']);
    expect(w.errors).toHaveLength(1);
    expect(w.errors[0]!.error).toBe(BUG);
    expect(w.errors[0]!.socket).toBeDefined();
    // The refused client can leave cleanly; the bystander is untouched.
    victim.conn.closed(1000, "");
    bystander.send("1");
    await settle();
    expect(footprint(w.io)).toEqual(EMPTY);
  });

  it("in a packet middleware: the packet is dropped and reported, later packets still flow", async () => {
    const w = setupWorld();
    const victim = await w.joined();
    const socket = await socketOf(w, victim);
    let calls = 0;
    socket.use((packet, next) => {
      if (calls++ === 0) return failing(how)();
      next();
      return undefined;
    });
    victim.send('421["echo","dropped"]', '422["echo","kept"]');
    await settle();
    expect(victim.peer.take()).toEqual(['432["kept"]']);
    expect(w.errors.map((e) => e.error)).toEqual([BUG]);
    expect(socket.connected).toBe(true);
  });

  it("in connection, disconnecting and disconnect handlers: reported; the disconnect still completes", async () => {
    const w = setupWorld();
    w.io.on("connection", (socket) => {
      socket.on("disconnecting", failing(how));
      socket.on("disconnect", failing(how));
    });
    w.io.on("connection", failing(how));
    const victim = await w.joined();
    victim.send("41");
    await settle();
    expect(w.errors.map((e) => e.error)).toEqual([BUG, BUG, BUG]);
    victim.send("1");
    await settle();
    expect(footprint(w.io)).toEqual(EMPTY);
  });

  it("in an ack callback the client answers, and one that times out: reported, other deadlines still fire", async () => {
    const w = setupWorld();
    const bystander = await w.joined();
    const victim = await w.joined();
    const socket = await socketOf(w, victim);
    socket.emit("question", failing(how));
    socket.timeout(1000).emit("slow", failing(how));
    await settle();
    expect(victim.peer.take()).toEqual(['420["question"]', '421["slow"]']);
    victim.send("430[42]");
    await settle();
    expect(w.errors.map((e) => [e.error, e.socket])).toEqual([[BUG, socket]]);
    // The timed-out ack fails at 1 s, together with other deadlines around it: all still fire.
    w.clock.advance(25_000);
    await settle();
    expect(w.errors).toHaveLength(2);
    expect(victim.peer.take()).toEqual(["2"]); // the heartbeat ping went out on time
    expect(bystander.peer.take()).toEqual(["2"]);
  });

  it("in a namespace matcher: the CONNECT is refused as an unknown namespace", async () => {
    const w = setupWorld();
    w.io.of(failing(how) as never);
    const victim = await w.websocket();
    victim.send("40/dynamic,");
    await settle();
    expect(victim.peer.take()).toEqual(['44/dynamic,{"message":"Invalid namespace"}']);
    expect(w.errors.map((e) => e.error)).toEqual([BUG]);
    expect(await w.healthy()).toBe(true);
  });
});

describe("values that cannot be encoded", () => {
  it("emitted from a handler: the emit throws EncodeError, which is reported like any handler bug", async () => {
    const w = setupWorld();
    const victim = await w.joined();
    const socket = await socketOf(w, victim);
    socket.on("bigint", () => socket.emit("x", 10n));
    victim.send('42["bigint"]', '421["echo","after"]');
    await settle();
    expect(w.errors).toHaveLength(1);
    expect(w.errors[0]!.error).toBeInstanceOf(EncodeError);
    expect(victim.peer.take()).toEqual(['431["after"]']);
  });

  it("answered through a client's ack (circular, BigInt, too deep): that answer fails, reported with the socket", async () => {
    const w = setupWorld();
    const victim = await w.joined();
    const socket = await socketOf(w, victim);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    let deep: unknown[] = [];
    for (let i = 0; i < 2000; i++) deep = [deep];
    const values = [circular, 10n, deep];
    socket.on("bad", (i: number, ack: (v: unknown) => void) => ack(values[i]));
    victim.send('421["bad",0]', '422["bad",1]', '423["bad",2]', '424["echo","after"]');
    await settle();
    expect(w.errors.map((e) => (e.error as EncodeError).code)).toEqual(["circular value", "unserializable value", "too deep"]);
    expect(w.errors.every((e) => e.socket === socket)).toBe(true);
    expect(victim.peer.take()).toEqual(['434["after"]']);
  });
});

describe("engine-level user code", () => {
  it("allowRequest that throws refuses the handshake with 403 and the server goes on", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const w = world({
      allowRequest: (req) => {
        if (req.headers["x-bad"] !== undefined) throw BUG;
        return true;
      },
    });
    const refused = await w.io.engine.handleRequest(request("GET", "/socket.io/?EIO=4&transport=polling", { headers: { "x-bad": "1" } }));
    expect(refused.status).toBe(403);
    expect(await w.healthy()).toBe(true);
    expect(consoleError.mock.calls.length + w.errors.length).toBe(1);
  });

  it("allowRequest that throws is reported through onUserError, like every other piece of user code", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const w = world({
      allowRequest: () => {
        throw BUG;
      },
    });
    await w.io.engine.handleRequest(request("GET", "/socket.io/?EIO=4&transport=polling"));
    expect(w.errors.map((e) => e.error)).toEqual([BUG]);
  });

  it("an onUserError that throws falls back to the console and nothing escapes", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const w = world({
      onUserError: () => {
        throw new Error("reporter bug");
      },
    });
    const victim = await w.joined();
    w.io.on("connection", (socket) => socket.on("boom", failing("throws")));
    const other = await w.joined();
    other.send('42["boom"]', '421["echo","after"]');
    await settle();
    expect(other.peer.take()).toEqual(['431["after"]']);
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(victim.peer.closedWith).toBeUndefined();
  });
});
