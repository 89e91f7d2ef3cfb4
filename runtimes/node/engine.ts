// What the Node shim needs from the core, declared structurally: the `EngineServer` from
// src/engine, or anything that carries one in `.engine` (the Socket.IO `Server`).

import type { Clock, EngineRequest, EngineResponse, UpgradeVerdict } from "../../src/engine/contract.js";

/** The slice of `EngineServer` that a shim drives. */
export interface ShimEngine {
  readonly options: { readonly path: string; readonly maxHttpBufferSize: number };
  /** Whether `url` (path + query) is under the engine's path; falls back to a prefix match on `options.path`. */
  handles?(url: string): boolean;
  handleRequest(req: EngineRequest): Promise<EngineResponse>;
  /** The client went away before `handleRequest` answered. */
  requestAborted(req: EngineRequest): void;
  handleUpgrade(req: EngineRequest): UpgradeVerdict | Promise<UpgradeVerdict>;
  useClock(clock: Clock): void;
  /** Fires whatever deadlines are due (called at the time the clock was asked for). */
  tick(): void;
  close(): unknown;
}

/** A Socket.IO `Server` (or anything else) that owns an engine. */
export interface EngineHolder {
  readonly engine: ShimEngine;
  close?(): unknown;
}

export type Attachable = ShimEngine | EngineHolder;

export function engineOf(io: Attachable): ShimEngine {
  return "handleRequest" in io ? io : io.engine;
}

/** Whether the engine answers requests for `url`. */
export function isEngineUrl(engine: ShimEngine, url: string): boolean {
  if (engine.handles !== undefined) return engine.handles(url);
  const query = url.indexOf("?");
  return (query < 0 ? url : url.slice(0, query)).startsWith(engine.options.path);
}

/** Closes what the user handed us: the Socket.IO server when there is one, else the engine. */
export async function closeAttachable(io: Attachable): Promise<void> {
  if ("handleRequest" in io) await io.close();
  else if (io.close !== undefined) await io.close();
  else await io.engine.close();
}
