// Every state × every input of the session machine: each pair either follows the table or
// ends the session with a protocol error, and nothing is ever thrown.

import { describe, expect, it } from "vitest";
import {
  CLOSE_REASONS,
  HEARTBEAT_INPUTS,
  HEARTBEAT_STATES,
  HEARTBEAT_TABLE,
  PROBE_INPUTS,
  PROBE_STATES,
  PROBE_TABLE,
  SESSION_INPUTS,
  SESSION_STATES,
  SESSION_TABLE,
} from "../../src/engine/machine.js";
import type { ProbeState, SessionInput, SessionState } from "../../src/engine/machine.js";
import { EngineSocket } from "../../src/engine/socket.js";
import type { EngineCloseReason } from "../../src/engine/types.js";
import type { Harness } from "./fixtures.js";
import { FakePeer, Q, closes, fakeRequest, harness, post, pollingSession, websocketSession } from "./fixtures.js";

/** Ways to bring a fresh session into each state, through the real API where one exists. */
const SETUPS: { name: string; state: SessionState; probe?: ProbeState; make: (h: Harness) => Promise<EngineSocket> }[] = [
  {
    name: "opening (a session the engine has created but not yet opened)",
    state: "opening",
    make: async (h) =>
      new EngineSocket(h.engine, "m1", { url: "/", headers: {}, query: {}, remoteAddress: "", secure: false }, "polling"),
  },
  { name: "open on polling", state: "open", make: async (h) => (await pollingSession(h)).socket },
  { name: "open on websocket", state: "open", make: async (h) => (await websocketSession(h)).socket },
  { name: "upgrading, awaiting 2probe", state: "upgrading", probe: "awaiting-ping", make: (h) => upgrading(h, "awaiting-ping") },
  { name: "upgrading, awaiting 5", state: "upgrading", probe: "awaiting-upgrade", make: (h) => upgrading(h, "awaiting-upgrade") },
  {
    name: "closing",
    state: "closing",
    make: async (h) => {
      const { socket } = await pollingSession(h);
      socket.close();
      return socket;
    },
  },
  {
    name: "closing during an upgrade, awaiting 2probe",
    state: "closing",
    probe: "awaiting-ping",
    make: (h) => closingDuringUpgrade(h, "awaiting-ping"),
  },
  {
    name: "closing during an upgrade, awaiting 5",
    state: "closing",
    probe: "awaiting-upgrade",
    make: (h) => closingDuringUpgrade(h, "awaiting-upgrade"),
  },
  {
    name: "closed",
    state: "closed",
    make: async (h) => {
      const { socket } = await pollingSession(h);
      await post(h, socket.id, "1");
      return socket;
    },
  },
];

async function openProbe(h: Harness) {
  const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&sid=s1`));
  if (verdict.kind !== "accept") throw new Error("probe refused");
  return verdict.open(new FakePeer());
}

/** A polling session with a probe in the given state. */
async function upgrading(h: Harness, probe: ProbeState): Promise<EngineSocket> {
  const { socket } = await pollingSession(h);
  const conn = await openProbe(h);
  if (probe === "awaiting-upgrade") conn.message("2probe");
  return socket;
}

/** The same, then closed by the application: the probe runs on (machine.ts rule 5). */
async function closingDuringUpgrade(h: Harness, probe: ProbeState): Promise<EngineSocket> {
  const socket = await upgrading(h, probe);
  socket.close();
  return socket;
}

const REASONS: { readonly [I in SessionInput]?: EngineCloseReason } = CLOSE_REASONS;

describe("the session machine, state × input", () => {
  for (const setup of SETUPS) {
    for (const input of SESSION_INPUTS) {
      it(`${setup.name} + ${input}`, async () => {
        const h = harness();
        const socket = await setup.make(h);
        expect(socket.machineState).toBe(setup.state);
        const seen = closes(socket);
        const upgradable = socket.canUpgrade();

        expect(() => socket.input(input, new FakePeer())).not.toThrow();

        let expected = SESSION_TABLE[setup.state][input];
        // While a probe runs, the probe sub-machine judges what it says: a pair missing from
        // PROBE_TABLE fails the probe (closed with 1002) and an upgrading session goes back to
        // "open"; a closing one stays closing.
        const probeInput = input === "probe:ping" ? "ping" : input === "probe:upgrade" ? "upgrade" : undefined;
        if (setup.probe !== undefined && probeInput !== undefined && PROBE_TABLE[setup.probe][probeInput] === undefined) {
          expected = setup.state === "upgrading" ? "open" : "closing";
        }
        // A closing session whose upgrade completes says goodbye over the websocket at once:
        // its effect feeds "local:closed", which the table allows from "closing".
        const goodbyeOverProbe = setup.state === "closing" && setup.probe === "awaiting-upgrade" && input === "probe:upgrade";
        if (setup.state === "closed") {
          // Absorbing: late inputs are ignored and "close" does not fire again.
          expect(socket.machineState).toBe("closed");
          expect(seen).toEqual([]);
        } else if (input === "probe:attach" && !upgradable) {
          // The guard of rule 5: the socket is refused, the session is untouched.
          expect(socket.machineState).toBe(setup.state);
          expect(seen).toEqual([]);
        } else if (expected === undefined) {
          expect(socket.machineState).toBe("closed");
          expect(seen).toEqual([{ reason: "transport error", description: `cannot handle ${input} in state ${setup.state}` }]);
        } else if (expected === "closed") {
          expect(socket.machineState).toBe("closed");
          expect(seen.map((c) => c.reason)).toEqual([REASONS[input]]);
        } else if ((input === "local:close" && socket.machineState === "closed") || goodbyeOverProbe) {
          // "closing" may complete at once when the transport can take the close packet now:
          // its effect feeds "local:closed", which the table allows from "closing".
          expect(SESSION_TABLE[expected]["local:closed"]).toBe("closed");
          expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
        } else {
          expect(socket.machineState).toBe(expected);
          expect(seen).toEqual([]);
        }

        // Whatever happened, shutting down leaves no deadline behind.
        h.engine.close();
        socket.input("server:shutdown");
        expect(socket.machineState).toBe("closed");
        expect(seen.length).toBeLessThanOrEqual(1);
        expect(h.engine.timers.size).toBe(0);
        expect(h.engine.clientsCount).toBe(0);
      });
    }
  }
});

describe("the tables", () => {
  it("name only known states and inputs", () => {
    for (const state of SESSION_STATES) {
      for (const [input, next] of Object.entries(SESSION_TABLE[state])) {
        expect(SESSION_INPUTS).toContain(input);
        expect(SESSION_STATES).toContain(next);
      }
    }
    for (const state of HEARTBEAT_STATES) {
      for (const [input, next] of Object.entries(HEARTBEAT_TABLE[state])) {
        expect(HEARTBEAT_INPUTS).toContain(input);
        expect(HEARTBEAT_STATES).toContain(next);
      }
    }
    for (const state of PROBE_STATES) {
      for (const [input, next] of Object.entries(PROBE_TABLE[state])) {
        expect(PROBE_INPUTS).toContain(input);
        expect([...PROBE_STATES, "done"]).toContain(next);
      }
    }
  });

  it("give every input that ends a session its close reason", () => {
    for (const state of SESSION_STATES) {
      for (const [input, next] of Object.entries(SESSION_TABLE[state])) {
        if (next === "closed") expect(REASONS[input as SessionInput], `${state} + ${input}`).toBeDefined();
      }
    }
  });

  it("make closed absorbing and let only the v4 directions through", () => {
    expect(SESSION_TABLE.closed).toEqual({});
    for (const state of SESSION_STATES) {
      expect(SESSION_TABLE[state]["packet:ping"]).toBeUndefined();
      expect(SESSION_TABLE[state]["packet:open"]).toBeUndefined();
      expect(SESSION_TABLE[state]["packet:upgrade"]).toBeUndefined();
    }
  });

  it("accept a probe only from an open session, and an upgrade only while upgrading (or closing, for a probe begun before)", () => {
    for (const state of SESSION_STATES) {
      expect(SESSION_TABLE[state]["probe:attach"] !== undefined).toBe(state === "open");
      expect(SESSION_TABLE[state]["probe:upgrade"] !== undefined).toBe(state === "upgrading" || state === "closing");
    }
    expect(PROBE_TABLE["awaiting-ping"].upgrade).toBeUndefined();
    expect(PROBE_TABLE["awaiting-upgrade"].ping).toBeUndefined();
  });
});

describe("a misused heartbeat sub-machine closes the session instead of throwing", () => {
  it("timers firing after close do nothing", async () => {
    const h = harness({ pingInterval: 100, pingTimeout: 100 });
    const { socket } = await websocketSession(h);
    const seen = closes(socket);
    socket.close();
    h.clock.advance(10_000);
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
  });
});
