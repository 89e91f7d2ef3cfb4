// The Engine.IO server: it validates each request in the reference server's order, answers
// errors with their code, performs handshakes, and routes the rest to the session it names.
// It also owns what all sessions share: the deadline heap and the microtask write flush.
//
// Validation order (engine.io `verify` then `handshake`):
//   CORS preflight (answered 204 before anything else when CORS applies)
//   0 transport unknown · 3 invalid Origin header
//   with a sid:    1 unknown sid · 3 transport mismatch · 3 protocol mismatch
//   without a sid: 2 not a GET · 3 websocket over plain HTTP · 4 allowRequest refused ·
//                  5 EIO is not "4" · 3 id generation failed
// An upgrade adds, before any 101: 3 transport is not websocket · 3 the session may not be
// upgraded (already on websocket, upgrading, closing, or upgrades disabled) · and, once
// everything above passed (the reference's WebSocket library checks them last), 3 a missing
// or malformed Sec-WebSocket-Key or a Sec-WebSocket-Version other than 13, so that every
// runtime refuses a bad WebSocket handshake with the same JSON answer.
//
// After `close()` the engine is closed for good: a handshake (polling or websocket) is refused
// with HTTP 503 and `{"code":4,"message":"Server shutting down"}` — code 4 because it is the
// server's own refusal, as with `allowRequest`; 503 because it is temporary, which proxies and
// load balancers understand. Requests naming a session get code 1: no session is left.

import { Listeners } from "../util/listeners.js";
import type {
  Clock,
  EngineRequest,
  EngineResponse,
  UpgradeVerdict,
  WebSocketConnection,
  WebSocketPeer,
  WirePacket,
} from "./contract.js";
import { corsHeaders } from "./cors.js";
import { ENGINE_ERRORS, errorResponse } from "./errors.js";
import { intern, internValues } from "./intern.js";
import type { EngineErrorCode } from "./errors.js";
import { resolveOptions } from "./options.js";
import type { ResolvedEngineOptions } from "./options.js";
import { isPromiseLike } from "./promise-like.js";
import { parseQuery, pathOf, routingParams } from "./query.js";
import { reportError } from "./report.js";
import { assertEngineSessionSnapshot } from "./snapshot.js";
import type { EngineSessionSnapshot } from "./snapshot.js";
import { EngineSocket } from "./socket.js";
import type { SessionHost } from "./socket.js";
import { Timers, stoppedClock } from "./timers.js";
import type { EngineOptions, HandshakeRequest, TransportName } from "./types.js";
import { DETACHED } from "./websocket.js";
import { messagePacket } from "./wire.js";

type Headers = Record<string, string> | undefined;

/** A refused request, as the reference's "connection_error" event reports it. */
export interface EngineConnectionError {
  readonly request: EngineRequest;
  readonly code: EngineErrorCode;
  readonly message: string;
}

export interface EngineServerEvents {
  /** A new session completed its handshake. */
  connection: (socket: EngineSocket) => void;
  /** A request was refused with one of the codes 0-5. */
  connection_error: (error: EngineConnectionError) => void;
}

/** Characters a header value may hold (RFC 7230 field-vchar, SP, HTAB, obs-text). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** `Sec-WebSocket-Key`: base64 of 16 bytes, i.e. 22 significant characters and `==` (RFC 6455 §4.1). */
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/** What a handshake gets once the engine is closed (see the header comment). */
const SHUTTING_DOWN = { code: 4, message: "Server shutting down", status: 503 } as const;

export class EngineServer implements SessionHost {
  readonly options: ResolvedEngineOptions;
  /** Every deadline of every session (and of the layer above, which may add its own). */
  readonly timers: Timers;

  private readonly sessions = new Map<string, EngineSocket>();
  private readonly events = new Listeners<EngineServerEvents>();
  /** Sessions with packets to flush at the end of this microtask round. */
  private dirty: EngineSocket[] = [];
  private flushScheduled = false;
  /** Set by `close()`: no new session from then on. */
  private closed = false;

  constructor(options?: EngineOptions) {
    this.options = resolveOptions(options);
    this.timers = new Timers(options?.clock ?? stoppedClock());
  }

  /** Open sessions by id. */
  get clients(): ReadonlyMap<string, EngineSocket> {
    return this.sessions;
  }

  get clientsCount(): number {
    return this.sessions.size;
  }

  on<K extends keyof EngineServerEvents>(event: K, fn: EngineServerEvents[K]): this {
    this.events.on(event, fn);
    return this;
  }

  off<K extends keyof EngineServerEvents>(event: K, fn?: EngineServerEvents[K]): this {
    this.events.off(event, fn);
    return this;
  }

  /** Attaches the runtime's clock (the shim's one timer). */
  useClock(clock: Clock): void {
    this.timers.useClock(clock);
  }

  /** Fires every deadline that is due. The shim calls it when the clock's wake-up comes. */
  tick(): void {
    this.timers.tick();
  }

  /** Whether `url` (path and query, as on the request line) is under this engine's path. */
  handles(url: string): boolean {
    return pathOf(url).startsWith(this.options.path);
  }

  /** A message packet encoded once, to hand to many sockets' `sendPacket`. */
  prepare(data: string | Uint8Array): WirePacket {
    return messagePacket(data);
  }

  /**
   * Closes every session ("server shutting down"), answering parked GETs, and refuses every
   * handshake from now on (503, see the header comment). Idempotent; there is no reopening.
   */
  close(): void {
    this.closed = true;
    for (const session of Array.from(this.sessions.values())) session.shutdown();
  }

  /** Answers one HTTP request under the engine's path (a parked GET stays pending). */
  handleRequest(req: EngineRequest): Promise<EngineResponse> {
    // Not an `async` function: a polling request is answered without awaiting anything, and
    // the parked GET's own promise is handed back as it is instead of being wrapped in
    // another one (every polling round trip goes through here twice).
    try {
      // `Promise.resolve` hands a native promise back as it is; an answer becomes one.
      return Promise.resolve(this.answerRequest(req));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private answerRequest(req: EngineRequest): EngineResponse | Promise<EngineResponse> {
    const preflight = req.method === "OPTIONS";
    let decided: Headers | Promise<Headers>;
    try {
      decided = corsHeaders(this.options.cors, req, preflight);
    } catch (error) {
      return this.corsFailed(req, error);
    }
    if (!isPromiseLike(decided)) return this.route(req, decided, preflight);
    return decided.then(
      (cors) => this.route(req, cors, preflight),
      (error: unknown) => this.corsFailed(req, error),
    );
  }

  private corsFailed(req: EngineRequest, error: unknown): EngineResponse {
    reportError(this.options.onError, "the CORS origin function threw", error);
    return this.refuse(req, 3, undefined);
  }

  private route(req: EngineRequest, cors: Headers, preflight: boolean): EngineResponse | Promise<EngineResponse> {
    if (preflight && cors !== undefined) return { status: 204, headers: cors, body: "" };

    const query = routingParams(req.url);
    const transport = query.transport;
    if (!this.isEnabled(transport)) return this.refuse(req, 0, cors);
    if (hasInvalidOrigin(req)) return this.refuse(req, 3, cors);

    const sid = query.sid;
    if (sid) {
      const session = this.sessions.get(sid);
      if (session === undefined) return this.refuse(req, 1, cors);
      if (session.transport.name !== transport || query.EIO !== "4") return this.refuse(req, 3, cors);
      const polling = session.pollingTransport;
      if (polling === undefined) return this.refuse(req, 3, cors);
      return polling.request(session, req, cors);
    }

    if (this.closed) return this.refuseShuttingDown(req, cors);
    if (req.method !== "GET") return this.refuse(req, 2, cors);
    if (transport !== "polling") return this.refuse(req, 3, cors); // a websocket handshake needs an upgrade
    return this.pollingHandshake(req, query.EIO, cors);
  }

  private async pollingHandshake(req: EngineRequest, eio: string | undefined, cors: Headers): Promise<EngineResponse> {
    const request = handshakeRequest(req);
    const refusal = await this.checkHandshake(request, eio);
    if (refusal !== undefined) return this.refuse(req, refusal.code, cors, refusal.message);
    if (this.closed) return this.refuseShuttingDown(req, cors); // closed while allowRequest decided
    const id = this.newId();
    if (id === undefined) return this.refuse(req, 3, cors);

    const session = this.openPolling(id, request);
    // The handshake GET is an ordinary GET: it takes the open packet and whatever the
    // "connection" listeners sent, all in one payload.
    const polling = session.pollingTransport;
    if (polling === undefined) return errorResponse(1, cors); // closed by a "connection" listener
    return polling.request(session, req, cors);
  }

  /** The shim saw `req` go away before its response: a parked GET or a POST fails its session. */
  requestAborted(req: EngineRequest): void {
    const sid = routingParams(req.url).sid;
    if (!sid) return;
    const session = this.sessions.get(sid);
    session?.pollingTransport?.aborted(session, req);
  }

  /** Decides a WebSocket upgrade request before any 101 is written. */
  async handleUpgrade(req: EngineRequest): Promise<UpgradeVerdict> {
    let cors: Headers;
    try {
      const decided = corsHeaders(this.options.cors, req, false);
      cors = isPromiseLike(decided) ? await decided : decided;
    } catch (error) {
      reportError(this.options.onError, "the CORS origin function threw", error);
      return this.reject(req, 3, undefined);
    }
    const query = routingParams(req.url);
    const transport = query.transport;
    if (!this.isEnabled(transport)) return this.reject(req, 0, cors);
    if (transport !== "websocket" || hasInvalidOrigin(req)) return this.reject(req, 3, cors);

    const sid = query.sid;
    if (sid) {
      const session = this.sessions.get(sid);
      if (session === undefined) return this.reject(req, 1, cors);
      if (query.EIO !== "4" || !session.canUpgrade()) return this.reject(req, 3, cors);
      const malformed = badWebSocketHandshake(req);
      if (malformed !== undefined) return this.reject(req, 3, { ...cors, ...malformed });
      // The session may change before the shim calls open(): attachProbe checks again.
      return { kind: "accept", open: (peer) => session.attachProbe(peer) };
    }

    if (this.closed) return { kind: "reject", response: this.refuseShuttingDown(req, cors) };
    if (req.method !== "GET") return this.reject(req, 2, cors);
    const request = handshakeRequest(req);
    const refusal = await this.checkHandshake(request, query.EIO);
    if (refusal !== undefined) return this.reject(req, refusal.code, cors, refusal.message);
    if (this.closed) return { kind: "reject", response: this.refuseShuttingDown(req, cors) };
    const malformed = badWebSocketHandshake(req);
    if (malformed !== undefined) return this.reject(req, 3, { ...cors, ...malformed });
    const id = this.newId();
    if (id === undefined) return this.reject(req, 3, cors);
    return { kind: "accept", open: (peer) => this.openWebSocket(id, request, peer) };
  }

  /**
   * Rebuilds a websocket session from `EngineSocket.snapshot()` over `peer`: the same
   * WebSocket, kept open by the runtime while the process forgot the session (a Durable Object
   * waking from hibernation). Nothing is sent and no "connection" event fires: the layer above
   * restores its own state (`Server.restoreClient`). A malformed snapshot throws a TypeError;
   * a session id that is live already gets the peer closed (1011) and the session left alone.
   */
  restoreWebSocket(snapshot: EngineSessionSnapshot, peer: WebSocketPeer): WebSocketConnection {
    assertEngineSessionSnapshot(snapshot);
    if (this.closed) {
      peer.close(1001, "server shutting down");
      return DETACHED;
    }
    if (this.sessions.has(snapshot.sid)) {
      peer.close(1011, "session id taken");
      return DETACHED;
    }
    const session = new EngineSocket(this, snapshot.sid, snapshot.request, "websocket");
    this.sessions.set(snapshot.sid, session);
    return session.resume(peer, snapshot);
  }

  /**
   * Pings now every session whose next ping is due within `horizon` ms. Meant for a runtime
   * where each wake-up costs (a Durable Object woken by its alarm): the wake it pays for serves
   * every heartbeat due soon, and heartbeats that started apart fall into step, so an idle
   * server wakes once per `pingInterval` however many sessions it holds. Returns how many
   * sessions were pinged.
   */
  pingDueWithin(horizon: number): number {
    const limit = this.timers.now() + horizon;
    let pinged = 0;
    for (const session of this.sessions.values()) if (session.pingIfDueBy(limit)) pinged++;
    return pinged;
  }

  // ── SessionHost ─────────────────────────────────────────────────────────────────────

  /** @internal */
  queueFlush(session: EngineSocket): void {
    this.dirty.push(session);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(this.flushAll);
  }

  /** @internal */
  sessionClosed(session: EngineSocket): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  /** Every write buffer filled during the last synchronous run goes out as one batch each. */
  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    const dirty = this.dirty;
    this.dirty = [];
    for (const session of dirty) session.flushQueued();
  };

  // ── handshakes ──────────────────────────────────────────────────────────────────────

  private isEnabled(transport: string | undefined): transport is TransportName {
    return transport !== undefined && (this.options.transports as readonly string[]).includes(transport);
  }

  /**
   * allowRequest, then the protocol version (`eio`, from the query parsed for routing: reading
   * `request.query` would make the session keep a parsed copy): undefined when the handshake
   * may proceed.
   */
  private async checkHandshake(
    request: HandshakeRequest,
    eio: string | undefined,
  ): Promise<{ code: EngineErrorCode; message?: string } | undefined> {
    const allowRequest = this.options.allowRequest;
    if (allowRequest !== undefined) {
      let verdict: boolean | string;
      try {
        const decided = allowRequest(request);
        verdict = isPromiseLike(decided) ? await decided : decided;
      } catch (error) {
        reportError(this.options.onError, "allowRequest threw", error);
        verdict = false;
      }
      if (verdict !== true) return typeof verdict === "string" && verdict !== "" ? { code: 4, message: verdict } : { code: 4 };
    }
    if (eio !== "4") return { code: 5 };
    return undefined;
  }

  /** A fresh session id, or undefined when `generateId` failed or repeated a live one. */
  private newId(): string | undefined {
    let id: string;
    try {
      id = this.options.generateId();
    } catch (error) {
      reportError(this.options.onError, "generateId threw", error);
      return undefined;
    }
    if (typeof id !== "string" || id === "" || this.sessions.has(id)) return undefined;
    return id;
  }

  private openPolling(id: string, request: HandshakeRequest): EngineSocket {
    const session = new EngineSocket(this, id, request, "polling");
    this.sessions.set(id, session);
    session.handshake();
    this.emitConnection(session);
    return session;
  }

  private openWebSocket(id: string, request: HandshakeRequest, peer: WebSocketPeer): WebSocketConnection {
    if (this.closed) {
      // Closed between the verdict and the runtime's handshake.
      peer.close(1001, "server shutting down");
      return DETACHED;
    }
    if (this.sessions.has(id)) {
      peer.close(1011, "session id taken");
      return DETACHED;
    }
    const session = new EngineSocket(this, id, request, "websocket");
    const link = session.attachWebSocket(peer);
    this.sessions.set(id, session);
    session.handshake();
    this.emitConnection(session);
    // The open packet goes out now, with whatever the "connection" listeners sent after it.
    session.flushNow();
    return link;
  }

  private emitConnection(session: EngineSocket): void {
    try {
      this.events.emit("connection", session);
    } catch (error) {
      reportError(this.options.onError, 'a "connection" listener threw', error);
    }
  }

  // ── refusals ────────────────────────────────────────────────────────────────────────

  private refuse(req: EngineRequest, code: EngineErrorCode, cors: Headers, message?: string): EngineResponse {
    this.reportRefusal(req, code, message);
    return errorResponse(code, cors, message);
  }

  private reject(req: EngineRequest, code: EngineErrorCode, cors: Headers, message?: string): UpgradeVerdict {
    return { kind: "reject", response: this.refuse(req, code, cors, message) };
  }

  private refuseShuttingDown(req: EngineRequest, cors: Headers): EngineResponse {
    const { code, message, status } = SHUTTING_DOWN;
    this.reportRefusal(req, code, message);
    return { ...errorResponse(code, cors, message), status };
  }

  private reportRefusal(req: EngineRequest, code: EngineErrorCode, message?: string): void {
    if (!this.events.has("connection_error")) return;
    try {
      this.events.emit("connection_error", { request: req, code, message: message ?? ENGINE_ERRORS[code].message });
    } catch (error) {
      reportError(this.options.onError, 'a "connection_error" listener threw', error);
    }
  }
}

function hasInvalidOrigin(req: EngineRequest): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && INVALID_HEADER_CHAR.test(origin);
}

/**
 * The headers to answer with when the WebSocket handshake itself is malformed (a missing or
 * invalid `Sec-WebSocket-Key`, a `Sec-WebSocket-Version` other than 13), else undefined. A
 * wrong version is answered with the one we speak (RFC 6455 §4.4).
 */
function badWebSocketHandshake(req: EngineRequest): Record<string, string> | undefined {
  if (req.headers["sec-websocket-version"] !== "13") return { "Sec-WebSocket-Version": "13" };
  const key = req.headers["sec-websocket-key"];
  if (key === undefined || !WEBSOCKET_KEY.test(key)) return {};
  return undefined;
}

/**
 * What a session keeps of its handshake request: its values shared with other sessions'
 * where equal (intern.ts), except the WebSocket key, which no two requests share.
 */
function handshakeRequest(req: EngineRequest): HandshakeRequest {
  return new KeptRequest(intern(req.url), internValues(req.headers, "sec-websocket-key"), intern(req.remoteAddress), req.secure);
}

/**
 * A session's handshake request. Its query is parsed from `url` on first read, then kept: most
 * sessions never read it (`socket.handshake`, which shows it, is built on first read too), and
 * the url is one string shared by the sessions whose urls are equal. `toJSON` writes all five
 * fields, for snapshots.
 */
class KeptRequest implements HandshakeRequest {
  #query: Readonly<Record<string, string>> | undefined = undefined;

  constructor(
    readonly url: string,
    readonly headers: Readonly<Record<string, string | undefined>>,
    readonly remoteAddress: string,
    readonly secure: boolean,
  ) {}

  get query(): Readonly<Record<string, string>> {
    return (this.#query ??= internValues(parseQuery(this.url)));
  }

  toJSON(): HandshakeRequest {
    const { url, headers, query, remoteAddress, secure } = this;
    return { url, headers, query, remoteAddress, secure };
  }
}
