// Where a connection's durable state lives while the object hibernates: in its WebSocket's
// serialized attachment, which workerd keeps with the socket and hands back after a wake-up.
//
// The state comes in three parts, each a JSON string:
//   h — the handshake request (url, headers, query, address): written once, never changes;
//   e — the Engine.IO session (sid, protocol, heartbeat timing): changes with each heartbeat;
//   c — the Socket.IO client (namespaces, socket ids, rooms, `data`): changes with joins and data.
// The attachment is small by contract (Cloudflare documents 2 KiB; workerd refuses more than
// 16 KiB), so when the parts do not fit in `budget` bytes they move to `ctx.storage`, the
// immutable handshake first (one write for the life of the connection), then the client
// part, and the engine part last (it changes every heartbeat and would cost a write each).
// The attachment then names the parts to read from storage on wake-up.

import type { EngineSessionSnapshot } from "../../src/engine/snapshot.js";
import type { ClientSnapshot } from "../../src/io/snapshot.js";

export type PartName = "h" | "e" | "c";

/** The three parts, as JSON text. */
export type Parts = { readonly [K in PartName]: string };

/** What is serialized into the WebSocket. */
export interface Attachment {
  /** Format version. */
  readonly v: 1;
  /** The Engine.IO session id: names the storage keys of stored parts. */
  readonly sid: string;
  readonly h?: string;
  readonly e?: string;
  readonly c?: string;
  /** Parts kept in storage instead, e.g. "hc". */
  readonly s?: string;
}

/** Storage moves in this order when the attachment is over budget. */
const SPILL_ORDER: readonly PartName[] = ["h", "c", "e"];
const PART_NAMES: readonly PartName[] = ["h", "e", "c"];
/** The attachment's keys and version, as workerd serializes them, rounded up. */
const OVERHEAD = 64;

/** The storage key of one stored part. */
export function storageKey(sid: string, part: PartName): string {
  return `unio:ws:${sid}:${part}`;
}

/** Bytes a string takes in workerd's serialization: one per char if all are Latin-1, else two. */
function serializedSize(text: string): number {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u00ff]/.test(text) ? 2 * text.length : text.length;
}

/** The attachment for `parts`, and which parts must live in storage to keep it within `budget`. */
export function placeParts(sid: string, parts: Parts, budget: number): { attachment: Attachment; stored: PartName[] } {
  let size = OVERHEAD + sid.length;
  for (const name of PART_NAMES) size += serializedSize(parts[name]);
  const stored: PartName[] = [];
  for (const name of SPILL_ORDER) {
    if (size <= budget) break;
    size -= serializedSize(parts[name]);
    stored.push(name);
  }
  const inline: { h?: string; e?: string; c?: string } = {};
  for (const name of PART_NAMES) if (!stored.includes(name)) inline[name] = parts[name];
  const attachment: Attachment = stored.length === 0 ? { v: 1, sid, ...inline } : { v: 1, sid, ...inline, s: stored.join("") };
  return { attachment, stored };
}

/** A decoded attachment: the inline parts, and the names of those to fetch from storage. */
export interface ReadAttachment {
  readonly sid: string;
  readonly inline: Partial<Record<PartName, string>>;
  readonly stored: readonly PartName[];
}

/** Reads what `placeParts` wrote; `undefined` for anything else (a socket of another version, or none). */
export function tryReadAttachment(value: unknown): ReadAttachment | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record["v"] !== 1 || typeof record["sid"] !== "string" || record["sid"] === "") return undefined;
  const storedText = record["s"] ?? "";
  if (typeof storedText !== "string") return undefined;
  const stored: PartName[] = [];
  const inline: Partial<Record<PartName, string>> = {};
  for (const name of PART_NAMES) {
    if (storedText.includes(name)) {
      stored.push(name);
    } else {
      const text = record[name];
      if (typeof text !== "string") return undefined;
      inline[name] = text;
    }
  }
  return { sid: record["sid"], inline, stored };
}

/** Every part's text, from the attachment or from storage; `undefined` if one is missing. */
export function partsOf(
  sid: string,
  inline: Partial<Record<PartName, string>>,
  stored: ReadonlyMap<string, unknown>,
): Parts | undefined {
  const pick = (part: PartName): string | undefined => {
    const text = inline[part] ?? stored.get(storageKey(sid, part));
    return typeof text === "string" ? text : undefined;
  };
  const h = pick("h");
  const e = pick("e");
  const c = pick("c");
  return h === undefined || e === undefined || c === undefined ? undefined : { h, e, c };
}

/** The snapshots the parts hold; `undefined` when one does not parse. */
export function parseParts(parts: Parts): { engine: EngineSessionSnapshot; client: ClientSnapshot | undefined } | undefined {
  try {
    const request: unknown = JSON.parse(parts.h);
    const rest: unknown = JSON.parse(parts.e);
    const client: unknown = JSON.parse(parts.c);
    if (typeof rest !== "object" || rest === null) return undefined;
    const engine = { ...rest, request } as EngineSessionSnapshot;
    return { engine, client: client === null ? undefined : (client as ClientSnapshot) };
  } catch {
    return undefined;
  }
}

/**
 * Clears a connection's attachment when its session ended. workerd lists a socket whose client
 * never answered the close frame in `ctx.getWebSockets()` for minutes; with no attachment,
 * a wake-up closes it instead of restoring the session.
 */
export function endAttachment(ws: { serializeAttachment(value: unknown): void }): void {
  try {
    ws.serializeAttachment(null);
  } catch {
    // the runtime let go of the socket already
  }
}
