// The durable state of one connection, small and plain enough to live in a Durable Object
// WebSocket's serialized attachment and to survive hibernation: `client.snapshot()` writes
// it, `io.restoreClient(conn, snapshot)` rebuilds the sockets from it.

/** One namespace joined by the connection. */
export interface SocketSnapshot {
  /** Namespace name, e.g. "/" or "/admin". */
  readonly nsp: string;
  /** The Socket.IO socket id (kept: the client knows it). */
  readonly id: string;
  /** Rooms besides the socket's own id. */
  readonly rooms: readonly string[];
  /** `socket.data` (must be JSON for the snapshot to serialize). */
  readonly data: unknown;
  /** The CONNECT payload, kept as `socket.handshake.auth`. */
  readonly auth: Readonly<Record<string, unknown>>;
  /** `socket.handshake.issued`, ms since the epoch. */
  readonly issued: number;
  /** The next server→client ack id, so ids are not reused after a restore. */
  readonly ackId: number;
}

export interface ClientSnapshot {
  /** Format version. */
  readonly v: 1;
  /** The Engine.IO session id. */
  readonly sid: string;
  /** The Engine.IO protocol revision. */
  readonly protocol: number;
  readonly sockets: readonly SocketSnapshot[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks that `value` is a snapshot this version can restore; throws a TypeError naming the problem otherwise. */
export function assertClientSnapshot(value: unknown): asserts value is ClientSnapshot {
  if (!isRecord(value) || value["v"] !== 1) throw new TypeError("not a unio client snapshot (v: 1)");
  if (typeof value["sid"] !== "string" || typeof value["protocol"] !== "number") {
    throw new TypeError("client snapshot: sid must be a string and protocol a number");
  }
  const sockets = value["sockets"];
  if (!Array.isArray(sockets)) throw new TypeError("client snapshot: sockets must be an array");
  for (const s of sockets as unknown[]) {
    if (
      !isRecord(s) ||
      typeof s["nsp"] !== "string" ||
      typeof s["id"] !== "string" ||
      !Array.isArray(s["rooms"]) ||
      !(s["rooms"] as unknown[]).every((r) => typeof r === "string") ||
      !isRecord(s["auth"]) ||
      typeof s["issued"] !== "number" ||
      typeof s["ackId"] !== "number"
    ) {
      throw new TypeError("client snapshot: malformed socket entry");
    }
  }
}
