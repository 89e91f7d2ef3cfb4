// Routing one fetch-style request into the core. Shared by every web-standard runtime: the
// only runtime-specific step, turning an accepted upgrade into a live WebSocket, is passed in.

import type { UpgradeVerdict } from "../../src/engine/contract.js";
import { timerClock } from "../shared/clock.js";
import { type EngineHost, type HostedEngine, engineOf } from "../shared/engine-host.js";
import { type ConnectionInfo, toEngineRequest, toResponse } from "./request.js";

/** The accepted branch of an upgrade verdict. */
export type AcceptedUpgrade = Extract<UpgradeVerdict, { kind: "accept" }>;

/**
 * Performs the runtime's WebSocket handshake for an upgrade the core accepted, returning the
 * response to send (Deno's 101) or `undefined` when the runtime took the connection over
 * itself (Bun's `server.upgrade`).
 */
export type Upgrader = (accepted: AcceptedUpgrade) => Response | undefined;

const clocked = new WeakSet<HostedEngine>();

/**
 * The engine behind `host`, driven by a `setTimeout` clock — attached once per engine, so
 * two handlers for one server share it. (A Durable Object drives the core with alarms
 * instead, and uses `engineOf`.)
 */
export function timedEngineOf(host: EngineHost): HostedEngine {
  const engine = engineOf(host);
  if (!clocked.has(engine)) {
    clocked.add(engine);
    engine.useClock(timerClock(() => engine.tick()));
  }
  return engine;
}

/** Whether the request asks for a WebSocket (the core still decides whether it gets one). */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/**
 * Hands a request under the engine's path to the core. Upgrades go to `handleUpgrade` (a
 * refusal is written as the core's response, before any 101); everything else — polling,
 * CORS preflights, errors — to `handleRequest`. When the runtime's `request.signal` aborts
 * while the core holds a GET (a parked long poll whose client vanished), the core hears of
 * it through `requestAborted`. Only a GET is watched: the core parks nothing else, and a POST
 * whose client vanishes fails its body read instead, which the core already answers (the
 * signal and its listener cost more than the rest of the request's translation).
 */
export async function handleFetch(
  engine: HostedEngine,
  request: Request,
  info: ConnectionInfo,
  upgrade: Upgrader,
): Promise<Response | undefined> {
  const req = toEngineRequest(request, info);
  if (isWebSocketUpgrade(request)) {
    const verdict = await engine.handleUpgrade(req);
    return verdict.kind === "reject" ? toResponse(verdict.response) : upgrade(verdict);
  }
  if (req.method !== "GET") {
    const response = await engine.handleRequest(req);
    req.releaseBody(); // answered before its body ended (or without reading it): let it go
    return toResponse(response);
  }
  const signal = request.signal;
  const onAbort = (): void => engine.requestAborted(req);
  const pending = engine.handleRequest(req);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    return toResponse(await pending);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
