// The durable state of one Engine.IO session carried by a WebSocket: what a runtime keeps so
// that it can rebuild the session over the same, still open, WebSocket after the process
// forgot it (a Durable Object waking from hibernation). `EngineSocket.snapshot()` writes it,
// `EngineServer.restoreWebSocket(snapshot, peer)` resumes from it.
//
// Only a session that is open on a websocket has one: a polling session lives in requests
// that a process cannot hand over, and an upgrade in progress has two transports. Packets
// not yet handed to the WebSocket are not part of it (a runtime saves after they went out).

import type { HandshakeRequest } from "./types.js";

/** The heartbeat sub-machine's running states (see machine.ts rule 6). */
export type SnapshotHeartbeat = "waiting" | "awaiting-pong" | "awaiting-pong-extended";

export interface EngineSessionSnapshot {
  /** Format version. */
  readonly v: 1;
  /** The Engine.IO session id. */
  readonly sid: string;
  /** The Engine.IO protocol revision the client speaks. */
  readonly protocol: 4;
  /** What the handshake request carried. */
  readonly request: HandshakeRequest;
  /** "waiting": the deadline sends the next ping; otherwise it is the pong's deadline. */
  readonly heartbeat: SnapshotHeartbeat;
  /** When the heartbeat's deadline falls, on the engine clock's scale (`clock.now()`). */
  readonly deadline: number;
}

const HEARTBEATS: readonly string[] = ["waiting", "awaiting-pong", "awaiting-pong-extended"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): boolean {
  return isRecord(value) && Object.values(value).every((v) => v === undefined || typeof v === "string");
}

/** Checks that `value` is a snapshot this version can resume; throws a TypeError naming the problem otherwise. */
export function assertEngineSessionSnapshot(value: unknown): asserts value is EngineSessionSnapshot {
  if (!isRecord(value) || value["v"] !== 1) throw new TypeError("not a unio engine session snapshot (v: 1)");
  if (typeof value["sid"] !== "string" || value["sid"] === "") throw new TypeError("engine snapshot: sid must be a non-empty string");
  if (value["protocol"] !== 4) throw new TypeError("engine snapshot: protocol must be 4");
  if (typeof value["heartbeat"] !== "string" || !HEARTBEATS.includes(value["heartbeat"])) {
    throw new TypeError("engine snapshot: heartbeat must be waiting, awaiting-pong or awaiting-pong-extended");
  }
  if (typeof value["deadline"] !== "number" || !Number.isFinite(value["deadline"])) {
    throw new TypeError("engine snapshot: deadline must be a finite number");
  }
  const request = value["request"];
  if (
    !isRecord(request) ||
    typeof request["url"] !== "string" ||
    !isStringRecord(request["headers"]) ||
    !isStringRecord(request["query"]) ||
    typeof request["remoteAddress"] !== "string" ||
    typeof request["secure"] !== "boolean"
  ) {
    throw new TypeError("engine snapshot: malformed request");
  }
}
