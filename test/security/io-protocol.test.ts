// Protocol abuse at the Socket.IO layer, through the real EngineServer over both transports:
// mutated packets, huge ack ids, floods of namespace CONNECTs, wrong placeholders, absurd
// attachment counts, deeply nested JSON both ways, duplicate CONNECTs. Each gets the
// protocol's answer (a CONNECT_ERROR, or a close of THAT connection), a bystander is
// served throughout, and once the clients are gone nothing is left behind — without
// closing the server.

import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EncodeError } from "../../src/codec/index.js";
import { ENGINE_SEEDS, SOCKET_IO_SEEDS, mutatedBytes, mutatedText } from "./support/mutate.js";
import { EMPTY, footprint, settle, world } from "./support/world.js";
import type { World, WsClient } from "./support/world.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** What a hostile client sends: mostly Socket.IO packets in messages, some raw Engine.IO, some binary. */
const hostileMessage: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: mutatedText(SOCKET_IO_SEEDS).map((p) => `4${p}`) },
  { weight: 2, arbitrary: mutatedText(ENGINE_SEEDS) },
  mutatedBytes([Uint8Array.of(1, 2, 3), new Uint8Array(0), new TextEncoder().encode('42["echo"]')]),
);

/** Closes that a connection may end with: normal, going away, protocol error, policy, too big. */
const CLOSE_CODES = [1000, 1001, 1002, 1008, 1009];

function dynamicWorld(cleanup: boolean, maxNamespacesPerClient?: number): World {
  const w = world(
    maxNamespacesPerClient === undefined
      ? { cleanupEmptyChildNamespaces: cleanup }
      : { cleanupEmptyChildNamespaces: cleanup, maxNamespacesPerClient },
  );
  w.io.of(/^\/dyn-\d+$/).on("connection", (socket) => {
    socket.on("echo", (...args: unknown[]) => {
      const ack = args.pop();
      if (typeof ack === "function") (ack as (...a: unknown[]) => void)(...args);
    });
  });
  w.io.of("/admin").use((_socket, next) => next(new Error("not allowed")));
  return w;
}

/** The bystander was not disturbed: it got nothing, is open, and a new client is served. */
async function expectBystanderUnharmed(w: World, bystander: WsClient): Promise<void> {
  expect(bystander.peer.closedWith).toBeUndefined();
  expect(bystander.peer.take()).toEqual([]);
  expect(await w.healthy()).toBe(true);
}

describe("mutated Socket.IO traffic", () => {
  it("over websocket: protocol answers only, the bystander untouched, nothing left once the clients go", async () => {
    const consoleError = vi.spyOn(console, "error");
    await fc.assert(
      fc.asyncProperty(fc.array(hostileMessage, { minLength: 1, maxLength: 12 }), fc.boolean(), async (messages, join) => {
        const w = dynamicWorld(true);
        const baseline = footprint(w.io);
        const bystander = await w.joined();
        const victim = join ? await w.joined() : await w.websocket();
        for (const m of messages) victim.send(m);
        await settle();
        if (victim.peer.closedWith !== undefined) expect(CLOSE_CODES).toContain(victim.peer.closedWith.code);
        await expectBystanderUnharmed(w, bystander);
        expect(w.errors).toEqual([]);
        // Both clients leave; the server is NOT closed: the attack must have left nothing.
        victim.conn.closed(1006, "");
        bystander.send("1");
        await settle();
        expect(footprint(w.io)).toEqual(baseline);
      }),
      { numRuns: 400 },
    );
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("over polling: the same, with the packets batched into POST bodies and GETs in between", async () => {
    const consoleError = vi.spyOn(console, "error");
    const textMessage = hostileMessage.filter((m): m is string => typeof m === "string");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(textMessage, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }), async (bodies) => {
        const w = dynamicWorld(true);
        const baseline = footprint(w.io);
        const bystander = await w.joined();
        const victim = await w.polling();
        for (const packets of bodies) {
          const response = await w.post(victim.sid, packets.join("\x1e"));
          expect([200, 400, 413]).toContain(response.status);
          // Collect what the server answered, if the session is still there.
          if (w.io.engine.clients.has(victim.sid)) void w.get(victim.sid);
          await settle();
        }
        await expectBystanderUnharmed(w, bystander);
        expect(w.errors).toEqual([]);
        // The victim stops polling: its heartbeat (or connect timeout, then the 30 s close
        // deadline of a session nobody polls) ends it. The bystander leaves.
        bystander.send("1");
        w.clock.advance(120_000);
        await settle();
        expect(footprint(w.io)).toEqual(baseline);
      }),
      { numRuns: 200 },
    );
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe("specific abuse, one connection at a time", () => {
  it("the largest safe ack id is answered; one past it closes the connection", async () => {
    const w = world();
    const bystander = await w.joined();
    const a = await w.joined();
    a.send(`42${Number.MAX_SAFE_INTEGER}["echo","x"]`);
    await settle();
    expect(a.peer.take()).toEqual([`43${Number.MAX_SAFE_INTEGER}["x"]`]);
    a.send(`42${"9".repeat(400)}["echo","x"]`);
    await settle();
    expect(a.peer.closedWith?.code).toBe(1000);
    expect(a.peer.take()).toEqual(["1"]);
    await expectBystanderUnharmed(w, bystander);
  });

  it("5000 CONNECTs for unknown namespaces in one POST: 5000 refusals, no namespace created, the connection stays", async () => {
    const w = world();
    const victim = await w.polling();
    const body = Array.from({ length: 5000 }, (_, i) => `40/nope-${i},`).join("\x1e");
    expect(await w.post(victim.sid, body)).toMatchObject({ status: 200, body: "ok" });
    const answer = String((await w.get(victim.sid)).body).split("\x1e");
    expect(answer).toHaveLength(5000);
    expect(answer[4999]).toBe('44/nope-4999,{"message":"Invalid namespace"}');
    expect(w.io._nsps.size).toBe(1);
    expect(w.io.engine.clients.has(victim.sid)).toBe(true);
  });

  it("5000 CONNECTs to dynamic namespaces: 100 (the default limit) are joined, the rest refused, the connection stays", async () => {
    const w = dynamicWorld(false);
    const victim = await w.websocket();
    for (let i = 0; i < 5000; i++) victim.send(`40/dyn-${i},`);
    await settle();
    const answers = victim.peer.take();
    expect(answers).toHaveLength(5000);
    expect(answers[99]).toMatch(/^40\/dyn-99,\{"sid":"/);
    expect(answers[100]).toBe('44/dyn-100,{"message":"Too many namespaces"}');
    expect(answers[4999]).toBe('44/dyn-4999,{"message":"Too many namespaces"}');
    expect(w.io._nsps.size).toBe(1 + 100 + 1); // "/", the children, "/admin"
    expect(victim.peer.closedWith).toBeUndefined();
    // Leaving one frees a place for another.
    victim.send("41/dyn-0,", "40/dyn-5000,");
    await settle();
    expect(victim.peer.take()).toEqual([expect.stringMatching(/^40\/dyn-5000,\{"sid":"/)]);
  });

  it("with the limit raised, 5000 dynamic children are created, and all removed once the client leaves", async () => {
    const w = dynamicWorld(true, 10_000);
    const victim = await w.websocket();
    for (let i = 0; i < 5000; i++) victim.send(`40/dyn-${i},`);
    await settle();
    expect(victim.peer.take()).toHaveLength(5000);
    expect(w.io._nsps.size).toBe(1 + 5000 + 1);
    victim.conn.closed(1001, "");
    await settle();
    expect(footprint(w.io)).toEqual({ ...EMPTY, namespaces: 2 });
  });

  it("CONNECTs waiting on an async namespace matcher count towards the limit", async () => {
    const w = world({ maxNamespacesPerClient: 3 });
    const pending: Array<() => void> = [];
    w.io.of((_name, _auth, next) => {
      pending.push(() => next(null, true));
    });
    const victim = await w.websocket();
    for (let i = 0; i < 5; i++) victim.send(`40/async-${i},`);
    await settle();
    expect(victim.peer.take()).toEqual([
      '44/async-3,{"message":"Too many namespaces"}',
      '44/async-4,{"message":"Too many namespaces"}',
    ]);
    for (const answer of pending) answer();
    await settle();
    expect(victim.peer.take().map((p) => String(p).slice(0, 10))).toEqual(["40/async-0", "40/async-1", "40/async-2"]);
  });

  it("refuses a maxNamespacesPerClient below 1", () => {
    expect(() => world({ maxNamespacesPerClient: 0 })).toThrow(/maxNamespacesPerClient/);
  });

  it("without cleanupEmptyChildNamespaces, every dynamic name a client tries stays (the documented limit)", async () => {
    const w = dynamicWorld(false);
    const victim = await w.websocket();
    for (let i = 0; i < 100; i++) victim.send(`40/dyn-${i},`, `41/dyn-${i},`);
    await settle();
    expect(w.io._nsps.size).toBe(1 + 100 + 1);
  });

  it("a duplicate CONNECT, a CONNECT_ERROR from the client, or a packet before CONNECT closes that connection only", async () => {
    for (const packets of [["40", "40"], ['44{"message":"x"}'], ['42["echo"]'], ["40", '42/admin,["echo"]']]) {
      const w = world();
      const bystander = await w.joined();
      const victim = await w.websocket();
      victim.send(...packets);
      await settle();
      expect(victim.peer.closedWith, packets.join(" ")).toEqual({ code: 1000, reason: "forced close" });
      await expectBystanderUnharmed(w, bystander);
    }
  });

  it("wrong placeholders, unused attachments, text while attachments are due, stray binary: the connection closes", async () => {
    const bin = Uint8Array.of(1, 2, 3);
    const cases: Array<Array<string | Uint8Array>> = [
      ['451-["echo",{"_placeholder":true,"num":1}]', bin],
      ['451-["echo",{"_placeholder":true,"num":"0"}]', bin],
      ['451-["echo",{"_placeholder":true,"num":-1}]', bin],
      ['451-["echo",{"_placeholder":true,"num":0.5}]', bin],
      ['451-["echo"]', bin],
      ['452-["echo",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]', bin, bin],
      ['451-["echo",{"_placeholder":true,"num":0}]', '42["echo"]'],
      [bin],
      ['45999999999999999999999-["echo"]'],
      ['411-["echo"]'],
      ["45-[\"echo\"]"],
      ['450-["echo"]'],
      ['4511-["echo"]'],
    ];
    for (const packets of cases) {
      const w = world();
      const bystander = await w.joined();
      const victim = await w.joined();
      victim.send(...packets);
      await settle();
      expect(victim.peer.closedWith, JSON.stringify(packets.map(String))).toEqual({ code: 1000, reason: "forced close" });
      await expectBystanderUnharmed(w, bystander);
      expect(footprint(w.io)).toEqual({ ...EMPTY, sessions: 1, sockets: 1, rooms: 2, timers: 1 });
    }
  });

  it("ten attachments (the default cap) are accepted, and a placeholder-shaped object without binary is just data", async () => {
    const w = world();
    const a = await w.joined();
    const placeholders = Array.from({ length: 10 }, (_, num) => ({ _placeholder: true, num }));
    a.send(`4510-1${JSON.stringify(["echo", ...placeholders])}`, ...Array.from({ length: 10 }, (_, i) => Uint8Array.of(i)));
    a.send('422["echo",{"_placeholder":true,"num":0}]');
    await settle();
    const out = a.peer.take();
    expect(out[0]).toBe(`4610-1${JSON.stringify(placeholders)}`);
    expect(out.slice(1, 11)).toEqual(Array.from({ length: 10 }, (_, i) => Uint8Array.of(i)));
    expect(out[11]).toBe('432[{"_placeholder":true,"num":0}]');
    expect(a.peer.closedWith).toBeUndefined();
  });
});

describe("deeply nested JSON", () => {
  const DEPTH = 100_000;
  const deep = "[".repeat(DEPTH) + "]".repeat(DEPTH);

  for (const transport of ["websocket", "polling"] as const) {
    it(`inbound over ${transport}: the handler gets it; echoing it in the ack fails that ack only, reported with the socket`, async () => {
      const w = world();
      const bystander = await w.joined();
      let depthSeen = 0;
      w.io.on("connection", (socket) => {
        socket.on("deep", (value: unknown) => {
          for (let v = value; Array.isArray(v); v = v[0]) depthSeen++;
        });
      });
      let victimSocketId: string | undefined;
      if (transport === "websocket") {
        const victim = await w.joined();
        victim.send(`42["deep",${deep}]`, `421["echo",${deep}]`, '422["echo","after"]');
        await settle();
        expect(victim.peer.take()).toEqual(['432["after"]']);
        expect(victim.peer.closedWith).toBeUndefined();
      } else {
        const victim = await w.polling();
        await w.post(victim.sid, "40");
        const open = String((await w.get(victim.sid)).body);
        victimSocketId = (JSON.parse(open.slice(2)) as { sid: string }).sid;
        const response = await w.post(victim.sid, `42["deep",${deep}]\x1e421["echo",${deep}]\x1e422["echo","after"]`);
        expect(response).toMatchObject({ status: 200, body: "ok" });
        expect((await w.get(victim.sid)).body).toBe('432["after"]');
      }
      expect(depthSeen).toBe(DEPTH);
      expect(w.errors).toHaveLength(1);
      expect(w.errors[0]!.error).toBeInstanceOf(EncodeError);
      expect((w.errors[0]!.error as EncodeError).code).toBe("too deep");
      expect(w.errors[0]!.socket).toBeDefined();
      if (victimSocketId !== undefined) expect(w.errors[0]!.socket!.id).toBe(victimSocketId);
      await expectBystanderUnharmed(w, bystander);
    });
  }

  it("inbound with a placeholder at the bottom: the attachment is put back without recursion", async () => {
    const w = world();
    const a = await w.joined();
    let found: unknown;
    w.io.on("connection", (socket) => {
      socket.on("bin", (value: unknown) => {
        let v = value;
        while (Array.isArray(v)) v = v[0];
        found = v;
      });
    });
    const b = await w.joined();
    b.send(`451-["bin",${"[".repeat(DEPTH)}{"_placeholder":true,"num":0}${"]".repeat(DEPTH)}]`, Uint8Array.of(7));
    await settle();
    expect(found).toEqual(Uint8Array.of(7));
    expect(a.peer.closedWith).toBeUndefined();
  });

  it("outbound: emitting, broadcasting or acking a value too deep, circular or with a BigInt throws EncodeError at the call and sends nothing", async () => {
    const w = world();
    const a = await w.joined();
    const b = await w.joined();
    const socket = [...w.io.sockets.sockets.values()][0]!;
    let tooDeep: unknown[] = [];
    for (let i = 0; i < 5000; i++) tooDeep = [tooDeep];
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const [value, code] of [
      [tooDeep, "too deep"],
      [circular, "circular value"],
      [{ n: 10n }, "unserializable value"],
    ] as const) {
      expect(() => socket.emit("x", value)).toThrow(EncodeError);
      expect(() => w.io.emit("x", value)).toThrow(EncodeError);
      expect(() => socket.to(socket.id).emit("x", value)).toThrow(EncodeError);
      let thrown: unknown;
      try {
        socket.emit("x", value);
      } catch (error) {
        thrown = error;
      }
      expect((thrown as EncodeError).code).toBe(code);
    }
    await settle();
    expect(a.peer.take()).toEqual([]);
    expect(b.peer.take()).toEqual([]);
    // Nothing half-registered: a later emit with an ack uses ack id 0 and works.
    socket.emit("y", () => {});
    await settle();
    expect(a.peer.take()).toEqual(['420["y"]']);
    expect(w.io.engine.timers.size).toBe(2); // the two sessions' heartbeats, no stray deadline
  });
});
