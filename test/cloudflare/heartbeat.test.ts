// Heartbeats driven by one alarm per object, in workerd: idle clients keep being pinged and
// stay connected, a client that stops answering is dropped with "ping timeout", and the
// alarm always sits on the window's grid.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nextEvent, within } from "../interop/clients.js";
import { RawEngineSocket } from "../interop/raw-engine.js";
import { workerWithClients } from "./support/worker-with-clients.js";

const entry = fileURLToPath(new URL("./workers/heartbeat-worker.ts", import.meta.url));
/** Mirrors HEARTBEAT in the worker (importing it would bundle the worker into the test). */
const PING_INTERVAL = 300;
const PING_TIMEOUT = 400;
const WINDOW = 100;

const fixture = workerWithClients(entry, { IO: "HeartbeatObject" });

interface AlarmState {
  alarm: number | null;
  now: number;
  /** How many times the alarm has woken the object. */
  wakes: number;
}

async function alarm(): Promise<AlarmState> {
  return (await (await fetch(`${fixture.worker.url}/__test/alarm`)).json()) as AlarmState;
}

/** Resolves once `engine` has seen `count` pings. */
function pings(engine: { on(event: "ping", fn: () => void): unknown }, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    engine.on("ping", () => {
      seen += 1;
      if (seen === count) resolve();
    });
  });
}

describe("one alarm drives every heartbeat", () => {
  it("keeps idle clients connected, pinging each of them again and again", async () => {
    const clients = await Promise.all([0, 1, 2].map(() => fixture.pool.connect("/", { transports: ["websocket"] })));
    const gone = clients.map((socket) => {
      const reasons: unknown[] = [];
      socket.on("disconnect", (reason) => reasons.push(reason));
      return reasons;
    });
    const { alarm: at, now } = await alarm();
    expect(at).not.toBeNull();
    expect((at ?? 1) % WINDOW).toBe(0);
    expect((at ?? 0) - now).toBeLessThanOrEqual(PING_INTERVAL + WINDOW);
    // Four pings each: more than three intervals with nothing but heartbeats on the wire.
    await within(Promise.all(clients.map((socket) => pings(socket.io.engine, 4))), 5000, "four pings per client");
    expect(gone).toEqual([[], [], []]);
    expect(clients.every((socket) => socket.connected)).toBe(true);
  });

  it("brings heartbeats that started apart into step: one wake per cycle serves every socket", async () => {
    const clients = [];
    for (let i = 0; i < 3; i++) {
      // A deliberate phase offset (not a wait for an outcome): each heartbeat starts a third
      // of an interval after the previous one.
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, PING_INTERVAL / 3));
      clients.push(await fixture.pool.connect("/", { transports: ["websocket"] }));
    }
    const lastPing = clients.map(() => 0);
    clients.forEach((socket, i) => socket.io.engine.on("ping", () => (lastPing[i] = Date.now())));
    // Two pings each: by then the early pings have pulled the three heartbeats together.
    await within(Promise.all(clients.map((socket) => pings(socket.io.engine, 2))), 5000, "two pings per client");
    const before = (await alarm()).wakes;
    await within(Promise.all(clients.map((socket) => pings(socket.io.engine, 4))), 5000, "four more pings per client");
    const wakes = (await alarm()).wakes - before;
    // In step: about one wake per cycle (four), where three separate phases would take twelve.
    expect(wakes).toBeLessThanOrEqual(6);
    expect(Math.max(...lastPing) - Math.min(...lastPing)).toBeLessThan(WINDOW);
  });

  it("drops a client that stops answering pings with 'ping timeout'", async () => {
    const observer = await fixture.pool.connect("/", { transports: ["websocket"] });
    const raw = await RawEngineSocket.open(fixture.worker.url);
    try {
      const open = await raw.handshake();
      expect(open).toMatchObject({ pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT, maxPayload: 1048576 });
      const id = await raw.joinMain();
      const reason = observer.timeout(5000).emitWithAck("reason-of", id);
      const startedAt = Date.now();
      expect(await raw.nextText(2000)).toBe("2"); // the ping it will not answer
      const closed = await within(raw.closed, 3000, "silent client closed");
      expect(closed.code).toBe(1000);
      expect(await reason).toBe("ping timeout");
      // Dropped after pingTimeout, at most one window late (plus the loopback's slack).
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(PING_TIMEOUT - 50);
      expect(Date.now() - startedAt).toBeLessThan(PING_TIMEOUT + WINDOW + 1000);
      expect(observer.connected).toBe(true);
    } finally {
      raw.terminate();
    }
  });

  it("clears the alarm once no session is left", async () => {
    const socket = await fixture.pool.connect("/", { transports: ["websocket"] });
    const closed = nextEvent(socket.io.engine, "close", 3000);
    socket.disconnect();
    await closed;
    // Connections of earlier cases may still be closing: wait until the object has none.
    for (let attempt = 0; attempt < 50; attempt++) {
      if ((await alarm()).alarm === null) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await alarm()).alarm).toBeNull();
  });
});
