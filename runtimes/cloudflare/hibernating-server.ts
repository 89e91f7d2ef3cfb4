// Everything a Durable Object holds in memory for Socket.IO, and how it is rebuilt after a
// hibernation: the `Server`, the alarm clock, and one entry per hibernatable WebSocket.
//
// Life of an entry:
// - accepted: a new WebSocket is accepted with the Hibernation API (`ctx.acceptWebSocket`),
//   handed to the core, and its durable state is serialized into its attachment at once;
// - running: after each event that may change it (a message, a room change, a heartbeat),
//   the entry is marked dirty and saved at the end of that turn — only when the serialized
//   text differs from what was saved last;
// - restored: when the object wakes, every socket of `ctx.getWebSockets()` is rebuilt from
//   its attachment — the Engine.IO session first (heartbeat deadlines included), then the
//   Socket.IO client (socket ids, rooms, `data`), whose namespaces' "connection" handlers
//   run again with `socket.recovered === true`;
// - gone: the session's close event drops the entry, its attachment and any state kept in
//   storage (a socket whose client never answers the close frame stays listed, CLOSING).
//
// Polling sessions are plain in-memory sessions: a parked long poll keeps the object awake,
// and a session the object forgets answers its next request with "Session ID unknown", after
// which socket.io-client reconnects.

import type { WebSocketConnection } from "../../src/engine/contract.js";
import type { EngineSocket } from "../../src/engine/socket.js";
import type { ClientSnapshot } from "../../src/io/snapshot.js";
import type { AlarmClock } from "./alarm-clock.js";
import { endAttachment, type PartName, type Parts, parseParts, partsOf, placeParts, storageKey, tryReadAttachment } from "./attachment.js";
import { handleFetch } from "../fetch/handle.js";
import { pathAndQuery } from "../fetch/request.js";
import { hibernatablePeer } from "./peer.js";
import type { HibernatableServer, SavableClient } from "./tracking-adapter.js";
import { type HibernatableWebSocket, type DurableObjectState, newWebSocketPair, webSocketResponse } from "./workerd.js";

/** One hibernatable WebSocket and what was last saved for it. */
interface Entry {
  readonly ws: HibernatableWebSocket;
  connection: WebSocketConnection;
  /** The Engine.IO session this socket carries (or probes, during an upgrade). */
  session: EngineSocket | undefined;
  /** The parts as last written, and which of them live in storage. */
  saved: Parts | undefined;
  stored: readonly PartName[];
}

export interface HibernatingServerOptions {
  /** Bytes of durable state kept in a socket's attachment before parts move to storage. */
  readonly attachmentBudget: number;
  /** At each alarm, also ping the sockets whose next ping is due within this many ms. */
  readonly pingAhead: number;
}

export class HibernatingServer {
  private readonly entries = new Map<HibernatableWebSocket, Entry>();
  /** Entries by Engine.IO session id, once known. */
  private readonly bySession = new Map<string, Entry>();
  /** The Socket.IO client of each session that has one. */
  private readonly clients = new Map<string, SavableClient>();
  private readonly dirty = new Set<Entry>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The session the engine just opened inside `accepted.open()`. */
  private opened: EngineSocket | undefined;
  private disposed = false;
  /** Fails each request still in flight (a parked long poll) when this server is dropped. */
  private readonly inFlight = new Set<() => void>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly io: HibernatableServer,
    private readonly clock: AlarmClock,
    private readonly options: HibernatingServerOptions,
  ) {
    io.engine.on("connection", (session) => {
      this.opened = session;
      // Polling sessions have a client too (its rooms must be known if it upgrades later).
      session.on("close", () => this.clients.delete(session.id));
    });
  }

  // ── waking up ───────────────────────────────────────────────────────────────────────────

  /**
   * Rebuilds every connection from the WebSockets workerd kept while the object slept. The
   * engine sessions come first, so that the "connection" handlers that run for the restored
   * sockets see every other restored socket (a broadcast reaches them all).
   */
  async restore(): Promise<void> {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    const read = sockets.map((ws) => ({ ws, attachment: tryReadAttachment(safeDeserialize(ws)) }));
    const keys: string[] = [];
    for (const { attachment } of read) {
      if (attachment !== undefined) for (const part of attachment.stored) keys.push(storageKey(attachment.sid, part));
    }
    const stored = keys.length === 0 ? new Map<string, unknown>() : await this.ctx.storage.get<unknown>(keys);

    const pending: Array<{ entry: Entry; client: ClientSnapshot | undefined }> = [];
    for (const { ws, attachment } of read) {
      const parts = attachment === undefined ? undefined : partsOf(attachment.sid, attachment.inline, stored);
      const state = parts === undefined ? undefined : parseParts(parts);
      if (attachment === undefined || parts === undefined || state === undefined) {
        // No state to resume from (a probe that never completed, or a write that was lost):
        // close it so that the client reconnects and gets a fresh session.
        closeQuietly(ws, 1011, "session state lost");
        continue;
      }
      let connection: WebSocketConnection;
      try {
        connection = this.io.engine.restoreWebSocket(state.engine, hibernatablePeer(ws));
      } catch (error) {
        console.error("unio: could not restore an Engine.IO session from its attachment", error);
        closeQuietly(ws, 1011, "session state lost");
        continue;
      }
      const session = this.io.engine.clients.get(attachment.sid);
      const entry: Entry = { ws, connection, session, saved: parts, stored: attachment.stored };
      this.entries.set(ws, entry);
      if (session === undefined) continue; // the engine refused it (and closed the peer)
      this.track(entry, session);
      pending.push({ entry, client: state.client });
    }
    for (const { entry, client } of pending) {
      const session = entry.session;
      if (session === undefined || session.readyState !== "open") continue;
      // A connection that had not joined a namespace yet still needs its client (and its
      // connect deadline) to hear the CONNECT it may send next.
      const snapshot = client ?? { v: 1, sid: session.id, protocol: session.protocol, sockets: [] };
      try {
        this.clients.set(session.id, this.io.restoreClient(session, snapshot));
      } catch (error) {
        console.error("unio: could not restore a Socket.IO client from its attachment", error);
        session.close();
      }
    }
    // Handlers that ran for the restored sockets may have changed their state already.
    for (const { entry } of pending) this.markDirty(entry);
  }

  // ── events ──────────────────────────────────────────────────────────────────────────────

  /** Answers a request under the engine's path; `undefined` for any other path. */
  fetch(request: Request): Promise<Response | undefined> | undefined {
    const engine = this.io.engine;
    if (!engine.handles(pathAndQuery(request.url))) return undefined;
    const remoteAddress = request.headers.get("cf-connecting-ip") ?? "";
    const answer = handleFetch(engine, request, { remoteAddress }, (accepted) => {
      const { client, server } = newWebSocketPair();
      this.ctx.acceptWebSocket(server);
      const entry: Entry = { ws: server, connection: DETACHED_CONNECTION, session: undefined, saved: undefined, stored: [] };
      this.entries.set(server, entry);
      const probed = new URL(request.url).searchParams.get("sid");
      this.opened = undefined;
      entry.connection = accepted.open(hibernatablePeer(server));
      const session = probed === null ? this.opened : engine.clients.get(probed);
      this.opened = undefined;
      if (session !== undefined) this.track(entry, session);
      this.markDirty(entry);
      return webSocketResponse(client);
    });
    // A long poll parked in this server would wait forever once it is dropped; a real
    // eviction fails such requests, and so does `dispose`.
    return new Promise((resolve, reject) => {
      const fail = (): void => resolve(new Response(null, { status: 503 }));
      this.inFlight.add(fail);
      answer.then(
        (response) => {
          this.inFlight.delete(fail);
          resolve(response);
        },
        (error: unknown) => {
          this.inFlight.delete(fail);
          reject(error);
        },
      );
    });
  }

  message(ws: HibernatableWebSocket, message: string | ArrayBuffer): void {
    const entry = this.entries.get(ws);
    if (entry === undefined) return;
    entry.connection.message(typeof message === "string" ? message : new Uint8Array(message));
    this.markDirty(entry);
  }

  closed(ws: HibernatableWebSocket, code: number, reason: string): void {
    const entry = this.entries.get(ws);
    if (entry === undefined) return;
    this.entries.delete(ws);
    entry.connection.closed(code, reason);
  }

  /**
   * The alarm fired: run every due deadline, ping the sockets due soon in this same wake (so
   * that heartbeats fall into step), then save what the heartbeats changed.
   */
  alarm(): void {
    this.clock.fired();
    const engine = this.io.engine;
    engine.tick();
    if (this.options.pingAhead > 0) engine.pingDueWithin(this.options.pingAhead);
    for (const entry of this.entries.values()) this.markDirty(entry);
  }

  /** Drops all in-memory state without closing anything, as a hibernation does. */
  dispose(): void {
    this.disposed = true;
    for (const fail of this.inFlight) fail();
    this.inFlight.clear();
    this.clock.dispose();
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.dirty.clear();
  }

  /** A room of this connection changed (from the tracking adapter). */
  readonly roomsChanged = (client: SavableClient): void => {
    const id = client.conn.id;
    if (client.conn.readyState === "closed") return; // the sockets leave their rooms as it closes
    this.clients.set(id, client);
    const entry = this.bySession.get(id);
    if (entry !== undefined) this.markDirty(entry); // else polling: nothing durable yet
  };

  // ── bookkeeping ─────────────────────────────────────────────────────────────────────────

  /** Links an entry to its session: saved again on upgrade, forgotten (with its storage) on close. */
  private track(entry: Entry, session: EngineSocket): void {
    entry.session = session;
    const id = session.id;
    // A probe's socket becomes the session's entry only once the upgrade completes.
    if (session.transport.name === "websocket") this.bySession.set(id, entry);
    session.on("upgrade", () => {
      if (this.entries.get(entry.ws) !== entry) return; // an earlier probe's socket, already gone
      this.bySession.set(id, entry);
      this.markDirty(entry);
    });
    session.on("close", () => {
      if (this.bySession.get(id) === entry) this.bySession.delete(id);
      this.clients.delete(id);
      this.dirty.delete(entry);
      this.entries.delete(entry.ws);
      // A socket whose client never answers the close frame stays in ctx.getWebSockets():
      // without its state it is not restored as a live session after a wake-up.
      if (!this.disposed) endAttachment(entry.ws);
      if (entry.stored.length > 0 && !this.disposed) {
        const keys = entry.stored.map((part) => storageKey(id, part));
        entry.stored = [];
        this.ctx.storage.delete(keys).catch(reportStorageError);
      }
    });
  }

  private markDirty(entry: Entry): void {
    if (this.disposed) return;
    this.dirty.add(entry);
    // One macrotask later: after the handlers of this event, and the promise chains they
    // started without waiting for I/O, have run.
    this.flushTimer ??= setTimeout(this.flush, 0);
  }

  private readonly flush = (): void => {
    this.flushTimer = undefined;
    if (this.disposed) return;
    const dirty = [...this.dirty];
    this.dirty.clear();
    const puts: Record<string, string> = {};
    const deletes: string[] = [];
    for (const entry of dirty) this.save(entry, puts, deletes);
    if (Object.keys(puts).length > 0) this.ctx.storage.put(puts).catch(reportStorageError);
    if (deletes.length > 0) this.ctx.storage.delete(deletes).catch(reportStorageError);
  };

  /** Serializes one entry's state if it changed; storage writes are collected for one batch. */
  private save(entry: Entry, puts: Record<string, string>, deletes: string[]): void {
    const session = entry.session;
    if (session === undefined || this.bySession.get(session.id) !== entry) return; // a probe: nothing durable yet
    const engine = session.snapshot();
    if (engine === undefined) return; // closing or closed
    const client = this.clients.get(session.id);
    let clientText: string;
    try {
      clientText = client === undefined ? "null" : JSON.stringify(client.snapshot());
    } catch (error) {
      console.error("unio: socket.data must be JSON to survive hibernation; kept the last saved state", error);
      return;
    }
    const { request, ...rest } = engine;
    const saved = entry.saved;
    const parts: Parts = {
      h: saved?.h ?? JSON.stringify(request),
      e: JSON.stringify(rest),
      c: clientText,
    };
    if (saved !== undefined && saved.e === parts.e && saved.c === parts.c) return;
    const { attachment, stored } = placeParts(session.id, parts, this.options.attachmentBudget);
    try {
      entry.ws.serializeAttachment(attachment);
    } catch (error) {
      console.error("unio: could not serialize a WebSocket attachment", error);
      return;
    }
    for (const part of stored) {
      if (saved === undefined || saved[part] !== parts[part] || !entry.stored.includes(part)) {
        puts[storageKey(session.id, part)] = parts[part];
      }
    }
    for (const part of entry.stored) if (!stored.includes(part)) deletes.push(storageKey(session.id, part));
    entry.saved = parts;
    entry.stored = stored;
  }
}

const DETACHED_CONNECTION: WebSocketConnection = { message() {}, drained() {}, closed() {} };

function safeDeserialize(ws: HibernatableWebSocket): unknown {
  try {
    return ws.deserializeAttachment();
  } catch {
    return undefined;
  }
}

function closeQuietly(ws: HibernatableWebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}

function reportStorageError(error: unknown): void {
  console.error("unio: a Durable Object storage write failed", error);
}
