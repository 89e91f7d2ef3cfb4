// The engine's options with every default filled in, checked once at construction so that a
// misconfiguration throws at once (local misuse) instead of surfacing as odd wire behaviour.

import { defaultGenerateId } from "./id.js";
import type { EngineErrorReporter } from "./report.js";
import type { CorsOptions, EngineOptions, HandshakeRequest, TransportName } from "./types.js";
import { TRANSPORTS } from "./types.js";

/** `EngineOptions` after defaults; `clock` is not kept here (see `EngineServer.useClock`). */
export interface ResolvedEngineOptions {
  readonly pingInterval: number;
  readonly pingTimeout: number;
  readonly upgradeTimeout: number;
  readonly maxHttpBufferSize: number;
  readonly maxBufferedBytes: number;
  /** Always ends with "/". */
  readonly path: string;
  readonly transports: readonly TransportName[];
  readonly allowUpgrades: boolean;
  readonly cors: CorsOptions | undefined;
  readonly allowRequest: ((req: HandshakeRequest) => boolean | string | Promise<boolean | string>) | undefined;
  readonly generateId: () => string;
  readonly onError: EngineErrorReporter | undefined;
}

/** Every transport this engine speaks, in the default order. */
const TRANSPORT_NAMES = Object.keys(TRANSPORTS) as readonly TransportName[];

/**
 * The longest delay a timer takes in every runtime and browser (2^31 - 1 ms); a longer one
 * fires at once. The client arms one timer for `pingInterval + pingTimeout`, so their sum
 * must fit.
 */
const MAX_TIMER_DELAY = 0x7fffffff;

export function resolveOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const transports = options.transports ?? TRANSPORT_NAMES;
  if (!Array.isArray(transports) || transports.length === 0) {
    throw new TypeError("EngineOptions.transports must name at least one transport");
  }
  for (const t of transports) {
    if (!TRANSPORT_NAMES.includes(t)) throw new TypeError(`EngineOptions.transports: unknown transport ${JSON.stringify(t)}`);
  }
  const pingInterval = duration("pingInterval", options.pingInterval, 25_000);
  const pingTimeout = duration("pingTimeout", options.pingTimeout, 20_000);
  if (pingInterval + pingTimeout > MAX_TIMER_DELAY) {
    throw new TypeError(`EngineOptions.pingInterval + pingTimeout must be at most ${MAX_TIMER_DELAY} ms (the client's timer limit)`);
  }
  return {
    pingInterval,
    pingTimeout,
    upgradeTimeout: duration("upgradeTimeout", options.upgradeTimeout, 10_000),
    maxHttpBufferSize: byteCount("maxHttpBufferSize", options.maxHttpBufferSize, 1e6),
    maxBufferedBytes: byteCount("maxBufferedBytes", options.maxBufferedBytes, 1e7),
    path: normalisePath(options.path ?? "/engine.io"),
    transports: transports.slice(),
    allowUpgrades: flag("allowUpgrades", options.allowUpgrades, true),
    cors: options.cors,
    allowRequest: maybeFunction("allowRequest", options.allowRequest),
    generateId: maybeFunction("generateId", options.generateId) ?? defaultGenerateId,
    onError: maybeFunction("onError", options.onError),
  };
}

/** "/socket.io" and "/socket.io/" both become "/socket.io/", as the reference does. */
function normalisePath(path: string): string {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new TypeError(`EngineOptions.path must be a string starting with "/", got ${JSON.stringify(path)}`);
  }
  return path.endsWith("/") ? path : `${path}/`;
}

/** Whole milliseconds, at least 1, that a timer can wait (the handshake announces the pings' as JSON). */
function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMER_DELAY) {
    throw new TypeError(`EngineOptions.${name} must be a whole number of ms from 1 to ${MAX_TIMER_DELAY}, got ${String(value)}`);
  }
  return value;
}

/** A byte count: a positive safe integer (`maxPayload` in the handshake is JSON: Infinity would be `null`). */
function byteCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`EngineOptions.${name} must be a positive whole number of bytes (at most 2^53 - 1), got ${String(value)}`);
  }
  return value;
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`EngineOptions.${name} must be true or false`);
  return value;
}

function maybeFunction<F>(name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== "function") throw new TypeError(`EngineOptions.${name} must be a function`);
  return value;
}
