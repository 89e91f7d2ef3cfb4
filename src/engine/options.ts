// The engine's options with every default filled in, checked once at construction so that a
// misconfiguration throws at once (local misuse) instead of surfacing as odd wire behaviour.

import { defaultGenerateId } from "./id.js";
import type { CorsOptions, EngineOptions, HandshakeRequest, TransportName } from "./types.js";

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
}

const TRANSPORTS: readonly TransportName[] = ["polling", "websocket"];

export function resolveOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const transports = options.transports ?? TRANSPORTS;
  if (transports.length === 0) throw new TypeError("EngineOptions.transports must name at least one transport");
  for (const t of transports) {
    if (!TRANSPORTS.includes(t)) throw new TypeError(`EngineOptions.transports: unknown transport ${JSON.stringify(t)}`);
  }
  return {
    pingInterval: positive("pingInterval", options.pingInterval, 25_000),
    pingTimeout: positive("pingTimeout", options.pingTimeout, 20_000),
    upgradeTimeout: positive("upgradeTimeout", options.upgradeTimeout, 10_000),
    maxHttpBufferSize: positive("maxHttpBufferSize", options.maxHttpBufferSize, 1e6),
    maxBufferedBytes: positive("maxBufferedBytes", options.maxBufferedBytes, 1e7),
    path: normalisePath(options.path ?? "/engine.io"),
    transports: transports.slice(),
    allowUpgrades: options.allowUpgrades ?? true,
    cors: options.cors,
    allowRequest: options.allowRequest,
    generateId: options.generateId ?? defaultGenerateId,
  };
}

/** "/socket.io" and "/socket.io/" both become "/socket.io/", as the reference does. */
function normalisePath(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0)) throw new TypeError(`EngineOptions.${name} must be a positive number`);
  return value;
}
