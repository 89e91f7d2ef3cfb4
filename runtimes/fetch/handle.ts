// Routing one fetch-style request into the core. Shared by every web-standard runtime: the
// only runtime-specific step, turning an accepted upgrade into a live WebSocket, is passed in.

import type { EngineResponse, UpgradeVerdict } from "../../src/engine/contract.js";
import { startTimer, timerClock } from "../shared/clock.js";
import { type EngineHost, type HostedEngine, engineOf } from "../shared/engine-host.js";
import { type BodyOptions, DEFAULT_BODY_TIMEOUT } from "../shared/serve-options.js";
import { closeByHeader } from "./hang-up.js";
import { type BodyDeadline, type ConnectionInfo, type FetchEngineRequest, toEngineRequest, toResponse } from "./request.js";

/** The accepted branch of an upgrade verdict. */
export type AcceptedUpgrade = Extract<UpgradeVerdict, { kind: "accept" }>;

/**
 * Performs the runtime's WebSocket handshake for an upgrade the core accepted, returning the
 * response to send (Deno's 101) or `undefined` when the runtime took the connection over
 * itself (Bun's `server.upgrade`).
 */
export type Upgrader = (accepted: AcceptedUpgrade) => Response | undefined;

/** How one runtime's handler treats requests: built once per handler, shared by its requests. */
export interface FetchOptions {
  /** How long a request body may take to arrive whole. */
  readonly deadline: BodyDeadline;
}

/** The options of a handler: `bodyTimeout` (default 30 s) on the shim's timer. */
export function fetchOptions(options: BodyOptions = {}): FetchOptions {
  const ms = options.bodyTimeout ?? DEFAULT_BODY_TIMEOUT;
  if (!(ms >= 0)) throw new RangeError(`bodyTimeout must be a number of milliseconds >= 0, not ${String(ms)}`);
  return { deadline: { ms, start: startTimer } };
}

const DEFAULT_OPTIONS = fetchOptions();

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
 * refusal is written as the core's response, before any 101, and closes the connection);
 * everything else — polling, CORS preflights, errors — to `handleRequest`. When the runtime's
 * `request.signal` aborts while the core holds a GET (a parked long poll whose client
 * vanished), the core hears of it through `requestAborted`. Only a GET is watched: the core
 * parks nothing else, and a POST whose client vanishes fails its body read instead, which the
 * core already answers (the signal and its listener cost more than the rest of the request's
 * translation).
 */
export async function handleFetch(
  engine: HostedEngine,
  request: Request,
  info: ConnectionInfo,
  upgrade: Upgrader,
  options: FetchOptions = DEFAULT_OPTIONS,
): Promise<Response | undefined> {
  const req = toEngineRequest(request, info, options.deadline);
  if (isWebSocketUpgrade(request)) {
    const verdict = await engine.handleUpgrade(req);
    return verdict.kind === "reject" ? closeByHeader(verdict.response) : upgrade(verdict);
  }
  if (req.method !== "GET") return written(await engine.handleRequest(req), req);
  const signal = request.signal;
  const onAbort = (): void => engine.requestAborted(req);
  const pending = engine.handleRequest(req);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    // A GET's body is never read, nor looked at: on Bun even asking for `request.body` costs.
    return toResponse(await pending);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * The core's answer as a `Response`. A body the core did not read to its end (answered before
 * all of it arrived, refused over the cap, or never read) is let go, and the runtime, which
 * knows where that body ends, skips the rest: closing the connection instead would reset it
 * while the client is still sending, and a reset can destroy the answer before the client
 * reads it (measured on Bun: a chunked body over the cap lost its 413). A body over its
 * deadline is answered 408, as Node answers a request over its `requestTimeout` (the core,
 * whose read failed, has ended the session), and that connection, which has stalled, closes.
 */
function written(response: EngineResponse, req: FetchEngineRequest): Response {
  const end = req.releaseBody();
  if (end !== "timeout") return toResponse(response);
  return closeByHeader({ status: 408, headers: response.headers, body: "" });
}
