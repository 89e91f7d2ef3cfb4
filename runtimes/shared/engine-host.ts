// What every shim needs from the core, declared structurally so that a shim depends on no
// class: the `EngineServer` of src/engine, or anything that carries one in `.engine` (the
// Socket.IO `Server`). Shared by the Node shim and the fetch-style ones (Deno, Bun, Cloudflare).

import type { Clock, EngineRequest, EngineResponse, UpgradeVerdict } from "../../src/engine/contract.js";

/** The slice of `EngineServer` that a shim drives. */
export interface HostedEngine {
  readonly options: {
    readonly maxHttpBufferSize: number;
    /** Bun sizes a long poll's idle timeout from these two. */
    readonly pingInterval: number;
    readonly pingTimeout: number;
  };
  /** Whether a request target (`/path?query`) is under the engine's path. */
  handles(url: string): boolean;
  /** Answers a polling or preflight request; a parked long poll stays pending until the core releases it. */
  handleRequest(req: EngineRequest): Promise<EngineResponse>;
  /** The client went away while `req` was pending. */
  requestAborted(req: EngineRequest): void;
  handleUpgrade(req: EngineRequest): UpgradeVerdict | Promise<UpgradeVerdict>;
  useClock(clock: Clock): void;
  /** Fires whatever deadlines are due (called at the time the clock was asked for). */
  tick(): void;
  close?(): unknown;
}

/** A Socket.IO `Server` (or anything else) that owns an engine. */
export interface EngineHolder {
  readonly engine: HostedEngine;
  close?(): unknown;
}

/** What a shim accepts: the Socket.IO `Server` (through its `engine`) or a bare engine. */
export type EngineHost = HostedEngine | EngineHolder;

/** The engine behind `host`. */
export function engineOf(host: EngineHost): HostedEngine {
  return "engine" in host ? host.engine : host;
}

/**
 * Closes what the user handed to a shim: its own `close()` when it has one (the Socket.IO
 * server's also closes its engine), else the engine's.
 */
export async function closeHost(host: EngineHost): Promise<void> {
  if (host.close !== undefined) await host.close();
  else if ("engine" in host && host.engine.close !== undefined) await host.engine.close();
}
