// One Engine.IO session: the effects of the transitions that machine.ts lists. Every input
// first goes through `step()` (the table lookup); only then does the session act.
//
// Memory: an idle websocket session is this object (also the link of the WebSocket it was
// born on), one timer handle, and the handshake request it keeps. The layer above listens
// through one handler object (no closures); the listener registry for `on()`, the write
// buffer, the polling slots and the probe are allocated only while they are needed.

import { decodePacket } from "../codec/index.js";
import type { EnginePacket } from "../codec/index.js";
import { Listeners } from "../util/listeners.js";
import type { WebSocketConnection, WebSocketPeer, WirePacket } from "./contract.js";
import {
  CLOSE_REASONS,
  CLOSE_TIMEOUT,
  HEARTBEAT_TABLE,
  PROBE_TABLE,
  SESSION_TABLE,
  VIOLATION_REASON,
  cannotHandle,
} from "./machine.js";
import type { HeartbeatInput, HeartbeatState, ProbeInput, ProbeState, SessionInput, SessionState } from "./machine.js";
import type { ResolvedEngineOptions } from "./options.js";
import { Polling } from "./polling.js";
import type { EngineSessionSnapshot } from "./snapshot.js";
import { reportError } from "./report.js";
import type { TimerHandle, Timers } from "./timers.js";
import type {
  EngineCloseReason,
  EngineSocketEvents,
  EngineSocketHandler,
  EngineSocketState,
  HandshakeRequest,
  SendOptions,
  Transport,
  TransportName,
} from "./types.js";
import { TRANSPORTS } from "./types.js";
import { DETACHED, WebSocketLink, isFailureClose } from "./websocket.js";
import type { WebSocketSink } from "./websocket.js";
import { CLOSE, NOOP, PING, PONG_PROBE, encodePollingPayload, messagePacket, openPacket, packetSize } from "./wire.js";

/** What a session needs from its engine. @internal */
export interface SessionHost {
  readonly options: ResolvedEngineOptions;
  readonly timers: Timers;
  /** Calls `session.flushQueued()` once the current microtask round is over. */
  queueFlush(session: EngineSocket): void;
  /** The session ended: forget it. */
  sessionClosed(session: EngineSocket): void;
}

/** The upgrade probe in progress. */
interface Probe {
  readonly peer: WebSocketPeer;
  state: ProbeState;
  readonly timer: TimerHandle;
}

/**
 * What a session needs only sometimes: the polling transport and its upgrade probe, `on()`
 * listeners, a full WebSocket send buffer. JSC puts an object of up to 12 fields in its
 * 112-byte size class and one of 13 to 18 in the 160-byte one; keeping these here keeps an
 * idle websocket session at 12 (a test holds it there).
 */
class SessionExtras {
  transportName: TransportName;
  polling: Polling | undefined;
  probe: Probe | undefined = undefined;
  events: Listeners<EngineSocketEvents> | undefined = undefined;
  blocked = false;

  constructor(polling: Polling | undefined) {
    this.polling = polling;
    this.transportName = polling === undefined ? "websocket" : "polling";
  }
}

/** WebSocket close code for each way a session can end. */
const WS_CLOSE_CODES: { readonly [R in EngineCloseReason]: number } = {
  "transport close": 1000,
  "transport error": 1002,
  "ping timeout": 1000,
  "parse error": 1002,
  "forced close": 1000,
  "server shutting down": 1001,
  "write buffer full": 1008,
};

const MESSAGE_TOO_BIG = "message too big";

/** "4": an Engine.IO message packet. */
const CODE_MESSAGE = 52;

/**
 * The session whose WebSocket message (from a peer that `writesTogether`) is being handled:
 * its queue then waits for the flush right after the message, not for a microtask. A module
 * variable rather than a field: a session pays no memory for it.
 */
let handling: EngineSocket | undefined;

export class EngineSocket implements WebSocketSink, WebSocketConnection {
  readonly id: string;
  /** What the handshake request carried (url, headers, query, address, TLS). */
  readonly request: HandshakeRequest;

  private readonly host: SessionHost;
  private state: SessionState = "opening";
  private heartbeat: HeartbeatState = "stopped";
  /**
   * The heartbeat's deadline, or the close deadline while closing: pending while its index is
   * >= 0. Kept once made and moved by each arm (`Timers.reset`), so heartbeats allocate nothing.
   */
  private timer: TimerHandle | undefined = undefined;
  /** The layer above (see `setHandler`), and the `on()` listeners, created on first use. */
  private handler: EngineSocketHandler | undefined = undefined;
  /** Packets waiting for the transport, and the memory they hold. */
  private buffer: WirePacket[] | undefined = undefined;
  private held = 0;
  private flushPending = false;
  /** The WebSocket (when the transport is websocket). */
  private peer: WebSocketPeer | undefined = undefined;
  /** The rarely used state (see `SessionExtras`), created on first need. */
  private extras: SessionExtras | undefined = undefined;

  /** @internal Sessions are created by `EngineServer`. */
  constructor(host: SessionHost, id: string, request: HandshakeRequest, transport: TransportName) {
    this.host = host;
    this.id = id;
    this.request = request;
    if (transport === "polling") this.extras = new SessionExtras(new Polling());
  }

  // The side object's fields, read and written as if they were the session's own. Writing
  // their idle value (undefined, false, "websocket") never creates the side object.

  private get transportName(): TransportName {
    return this.extras?.transportName ?? "websocket";
  }

  private set transportName(name: TransportName) {
    if (name !== "websocket" || this.extras !== undefined) this.sideState().transportName = name;
  }

  /** Whether the WebSocket's send buffer is full. */
  private get blocked(): boolean {
    return this.extras?.blocked === true;
  }

  private set blocked(blocked: boolean) {
    if (blocked || this.extras !== undefined) this.sideState().blocked = blocked;
  }

  /** The long-polling request slots (when the transport is polling). */
  private get polling(): Polling | undefined {
    return this.extras?.polling;
  }

  private set polling(polling: Polling | undefined) {
    if (polling !== undefined || this.extras !== undefined) this.sideState().polling = polling;
  }

  private get probe(): Probe | undefined {
    return this.extras?.probe;
  }

  private set probe(probe: Probe | undefined) {
    if (probe !== undefined || this.extras !== undefined) this.sideState().probe = probe;
  }

  private get events(): Listeners<EngineSocketEvents> | undefined {
    return this.extras?.events;
  }

  private set events(events: Listeners<EngineSocketEvents> | undefined) {
    if (events !== undefined || this.extras !== undefined) this.sideState().events = events;
  }

  private sideState(): SessionExtras {
    return (this.extras ??= new SessionExtras(undefined));
  }

  /** Engine.IO protocol revision of this session. */
  get protocol(): 4 {
    return 4;
  }

  /** The transport that currently carries the session (`.name` is "polling" or "websocket"). */
  get transport(): Transport {
    return TRANSPORTS[this.transportName];
  }

  get readyState(): EngineSocketState {
    return this.state === "upgrading" ? "open" : this.state;
  }

  /** Whether the transport can take data right now (volatile packets are dropped otherwise). */
  get writable(): boolean {
    const state = this.state;
    if (state !== "open" && state !== "upgrading") return false;
    if (this.transportName === "websocket") return this.peer !== undefined && !this.blocked;
    return this.polling?.parked !== undefined && this.probe?.state !== "awaiting-upgrade";
  }

  /** Bytes (UTF-16 units for text) queued here and not yet handed to the transport. */
  get bufferedBytes(): number {
    return this.held;
  }

  // ── application API ─────────────────────────────────────────────────────────────────

  /** Sends one message (text or binary). */
  send(data: string | Uint8Array, options?: SendOptions): void {
    if (typeof data !== "string" && !(data instanceof Uint8Array)) {
      throw new TypeError("EngineSocket.send takes a string or a Uint8Array");
    }
    if (this.state === "closing" || this.state === "closed") return;
    this.sendPacket(messagePacket(data), options);
  }

  /** Sends a packet already encoded by `EngineServer.prepare` (a broadcast's shared form). */
  sendPacket(packet: WirePacket, options?: SendOptions): void {
    const state = this.state;
    if (state === "closing" || state === "closed") return;
    if (options?.volatile === true && !this.writable) return;
    this.queue(packet);
  }

  /**
   * Closes the session from the server side: buffered packets, then `1`, then the transport.
   * Over polling the buffered packets and the `1` go out in two GET responses (see
   * `proceedClosing`); over a websocket in one batch, followed by the close frame.
   */
  close(): void {
    if (this.state === "closing" || !this.step("local:close")) return;
    // Now closing. The heartbeat has nothing left to do; an upgrade under way runs on, since
    // the client may already have paused polling for it (machine.ts rule 5).
    this.beat("stop");
    // The deadline for the transport to take the last packets (machine.ts rule 7).
    this.arm(CLOSE_TIMEOUT);
    this.proceedClosing();
  }

  /**
   * The session's durable state (see snapshot.ts), for a runtime that must rebuild it over the
   * same WebSocket after forgetting it (Durable Object hibernation): undefined unless the
   * session is open on a websocket with its heartbeat running.
   */
  snapshot(): EngineSessionSnapshot | undefined {
    const heartbeat = this.heartbeat;
    const timer = this.timer;
    if (this.state !== "open" || this.transportName !== "websocket" || this.peer === undefined) return undefined;
    if (heartbeat === "stopped" || timer === undefined || timer.index < 0) return undefined;
    return { v: 1, sid: this.id, protocol: this.protocol, request: this.request, heartbeat, deadline: timer.at };
  }

  /**
   * Makes `handler` the socket's direct listener: it hears every message and the close, before
   * any `on()` listener. One per socket (the Socket.IO server's Client takes it); a second
   * call throws.
   */
  setHandler(handler: EngineSocketHandler): void {
    if (this.handler !== undefined) throw new Error("this Engine.IO socket already has a handler");
    if (this.state !== "closed") this.handler = handler;
  }

  on<K extends keyof EngineSocketEvents>(event: K, fn: EngineSocketEvents[K]): this {
    (this.events ??= new Listeners()).on(event, fn);
    return this;
  }

  off<K extends keyof EngineSocketEvents>(event: K, fn?: EngineSocketEvents[K]): this {
    this.events?.off(event, fn);
    return this;
  }

  // ── engine-internal: inputs ─────────────────────────────────────────────────────────

  /** @internal Queues the handshake (`0{…}`) and starts the heartbeat. */
  handshake(): void {
    if (!this.step("handshake")) return;
    const o = this.host.options;
    const upgrades =
      this.transportName === "polling" && o.allowUpgrades && o.transports.includes("websocket") ? ["websocket"] : [];
    this.queue(openPacket(this.id, upgrades, o.pingInterval, o.pingTimeout, o.maxHttpBufferSize));
    this.beat("start");
  }

  /**
   * @internal Resumes a session from its snapshot over the WebSocket that carried it: the
   * handshake's transition without its packet (the client has had it), and the heartbeat back
   * in its state with its deadline — due at the next tick if it passed while the process slept.
   */
  resume(peer: WebSocketPeer, snapshot: EngineSessionSnapshot): WebSocketConnection {
    if (!this.step("handshake")) return DETACHED;
    this.peer = peer;
    this.heartbeat = snapshot.heartbeat;
    this.arm(Math.max(0, snapshot.deadline - this.host.timers.now()));
    return this; // its own link: see `attachWebSocket`
  }

  /**
   * @internal Sends the next ping now if it is due by `limit` (clock time), so that a runtime
   * whose wake-ups cost can serve every heartbeat due soon in one wake. A client takes an early
   * ping like any other. Returns whether a ping went out.
   */
  pingIfDueBy(limit: number): boolean {
    const state = this.state;
    const timer = this.timer;
    if ((state !== "open" && state !== "upgrading") || this.heartbeat !== "waiting") return false;
    if (timer === undefined || timer.index < 0 || timer.at > limit) return false;
    this.beat("deadline");
    return true;
  }

  /** @internal One packet from the client on the session's own transport. */
  receive(packet: EnginePacket): void {
    switch (packet.type) {
      case "message":
        this.receiveMessage(packet.data ?? "");
        return;
      case "pong":
        if (!this.step("packet:pong") || this.state === "closing") return;
        this.beat("pong");
        this.emit("heartbeat");
        return;
      case "noop":
        if (this.step("packet:noop")) this.beat("traffic");
        return;
      case "ping":
        this.step("packet:ping");
        return;
      case "open":
        this.step("packet:open");
        return;
      case "upgrade":
        this.step("packet:upgrade");
        return;
      case "close":
        this.step("packet:close");
        return;
    }
  }

  private receiveMessage(data: string | Uint8Array): void {
    if (!this.step("packet:message") || this.state === "closing") return;
    this.beat("traffic");
    this.deliver(data);
  }

  /** A text message packet ("4…") over a websocket, handed on without cutting its data out. */
  private receiveText(packet: string): void {
    const handler = this.handler;
    if (handler?.onTextMessage === undefined || this.events !== undefined) {
      this.receiveMessage(packet.slice(1));
      return;
    }
    if (!this.step("packet:message") || this.state === "closing") return;
    this.beat("traffic");
    try {
      handler.onTextMessage(packet, 1);
    } catch (error) {
      reportError(this.host.options.onError, "an Engine.IO message handler threw", error);
    }
  }

  /** @internal The client sent something that does not decode. */
  invalid(description: string): void {
    this.step("packet:invalid", description);
  }

  /** @internal The transport failed (aborted or overlapping requests, oversized body, …). */
  transportError(description: string): void {
    this.step("transport:error", description);
  }

  /** @internal The engine is shutting down. */
  shutdown(): void {
    this.step("server:shutdown");
  }

  /**
   * @internal Applies any input by name with neutral data: the one door the machine's
   * exhaustive tests use. `peer` is the WebSocket for "probe:attach".
   */
  input(input: SessionInput, peer?: WebSocketPeer): void {
    switch (input) {
      case "handshake":
        return this.handshake();
      case "packet:message":
        return this.receive({ type: "message", data: "" });
      case "packet:pong":
        return this.receive({ type: "pong" });
      case "packet:noop":
        return this.receive({ type: "noop" });
      case "packet:ping":
        return this.receive({ type: "ping" });
      case "packet:open":
        return this.receive({ type: "open" });
      case "packet:upgrade":
        return this.receive({ type: "upgrade" });
      case "packet:close":
        return this.receive({ type: "close" });
      case "packet:invalid":
        return this.invalid("test input");
      case "transport:close":
        this.step("transport:close");
        return;
      case "transport:error":
        return this.transportError("test input");
      case "probe:attach":
        if (peer !== undefined) this.attachProbe(peer);
        return;
      case "probe:ping":
        return this.probeSaid("ping");
      case "probe:upgrade":
        return this.probeSaid("upgrade");
      case "probe:fail":
        return this.failProbe(1000, "test input", true);
      case "local:close":
        return this.close();
      case "local:closed":
        this.step("local:closed");
        return;
      case "local:overflow":
        this.step("local:overflow");
        return;
      case "server:shutdown":
        return this.shutdown();
      case "heartbeat:timeout":
        this.step("heartbeat:timeout");
        return;
    }
  }

  // ── engine-internal: transports ─────────────────────────────────────────────────────

  /** @internal The polling slots, while the transport is polling. */
  get pollingTransport(): Polling | undefined {
    return this.polling;
  }

  /** @internal The machine's own state (`readyState` shows "upgrading" as "open"). */
  get machineState(): SessionState {
    return this.state;
  }

  /** @internal Whether the session has ended (a method, so callers do not narrow it away). */
  isClosed(): boolean {
    return this.state === "closed";
  }

  /** @internal The largest message or POST body this session accepts, in bytes. */
  get maxPayload(): number {
    return this.host.options.maxHttpBufferSize;
  }

  /** @internal A GET was parked: answer it now if there is anything to say. */
  pollParked(): void {
    const state = this.state;
    if (state === "closing") {
      this.proceedClosing();
    } else if (this.probe?.state === "awaiting-upgrade") {
      // The client is pausing polling for the upgrade: release it, keep the data for the websocket.
      this.polling?.answer(encodePollingPayload(undefined, NOOP));
    } else if (this.buffer !== undefined && (state === "open" || state === "upgrading")) {
      this.flush();
    }
  }

  /** @internal Whether a websocket may now take this session over (see machine.ts rule 5). */
  canUpgrade(): boolean {
    const o = this.host.options;
    return (
      this.state === "open" &&
      this.transportName === "polling" &&
      this.probe === undefined &&
      o.allowUpgrades &&
      o.transports.includes("websocket")
    );
  }

  /** @internal The WebSocket of a session born on websocket. */
  attachWebSocket(peer: WebSocketPeer): WebSocketConnection {
    this.peer = peer;
    // The session is the link of the WebSocket it was born on (one object less per connection):
    // that socket is its transport for life, so "from this socket" is "from `this.peer`" while
    // the session still has it (see `message`). A probe's socket gets a WebSocketLink.
    return this;
  }

  /** @internal WebSocketConnection of the socket the session was born on: one message from it. */
  message(data: string | Uint8Array): void {
    const peer = this.peer;
    if (peer !== undefined) this.wsMessage(peer, data);
  }

  /** @internal WebSocketConnection of the socket the session was born on: it can take data again. */
  drained(): void {
    const peer = this.peer;
    if (peer !== undefined) this.wsDrained(peer);
  }

  /** @internal WebSocketConnection of the socket the session was born on: it is gone. */
  closed(code: number, _reason: string): void {
    const peer = this.peer;
    if (peer !== undefined) this.wsClosed(peer, code);
  }

  /** @internal A websocket with this session's sid arrived: probe it. */
  attachProbe(peer: WebSocketPeer): WebSocketConnection {
    if (!this.canUpgrade()) {
      // Not (or no longer) upgradable: refuse the socket and leave the session alone, so that
      // a stranger who learnt the sid cannot end it this way (machine.ts rule 5).
      peer.close(1008, "upgrade refused");
      return DETACHED;
    }
    if (!this.step("probe:attach")) return DETACHED;
    const timer = this.host.timers.set(this.host.options.upgradeTimeout, () => this.failProbe(1000, "upgrade timeout", true));
    this.probe = { peer, state: "awaiting-ping", timer };
    return new WebSocketLink(this, peer);
  }

  /** @internal */
  wsMessage(peer: WebSocketPeer, data: string | Uint8Array): void {
    if (peer === this.peer) {
      if (peer.writesTogether !== true) {
        this.transportMessage(peer, data);
        return;
      }
      // The runtime writes this socket's sends of the message together anyway: what the
      // message made us queue goes out as soon as it is handled (see `queue`), with no
      // microtask round to wait for.
      const outer = handling;
      handling = this;
      try {
        this.transportMessage(peer, data);
      } finally {
        handling = outer;
      }
      if (this.buffer !== undefined) this.flush();
    } else if (peer === this.probe?.peer) this.probeMessage(data);
    // else: a socket this session has let go of; what it says concerns no one.
  }

  /** @internal */
  wsDrained(peer: WebSocketPeer): void {
    if (peer !== this.peer) return;
    this.blocked = false;
    const state = this.state;
    if (state === "closing") this.proceedClosing();
    else if (this.buffer !== undefined) this.flush();
    // Nothing was waiting: the transport has room again and the buffer is empty (see `flush`).
    else if (state === "open" || state === "upgrading") this.emit("drain");
  }

  /** @internal */
  wsClosed(peer: WebSocketPeer, code: number): void {
    if (peer === this.peer) {
      this.peer = undefined; // gone: nothing to close on our side
      this.step(isFailureClose(code) ? "transport:error" : "transport:close", `websocket closed with code ${code}`);
    } else if (peer === this.probe?.peer) {
      this.failProbe(code, "probe closed", false);
    }
  }

  /** @internal Called by the engine's microtask: hands the write buffer to the transport. */
  flushQueued(): void {
    this.flushPending = false;
    if (this.buffer !== undefined) this.flush();
  }

  /** @internal Hands the write buffer over now (the flush already queued finds it empty). */
  flushNow(): void {
    if (this.buffer !== undefined) this.flush();
  }

  // ── the machine ─────────────────────────────────────────────────────────────────────

  /**
   * Looks (state, input) up and applies it. Returns whether the session is still running
   * afterwards; an input that ends it (by the table or as a violation) closes it here.
   */
  private step(input: SessionInput, description?: string): boolean {
    const from = this.state;
    if (from === "closed") return false;
    const to = SESSION_TABLE[from][input];
    if (to === undefined) {
      this.finish(VIOLATION_REASON, cannotHandle(input, from));
      return false;
    }
    if (to === "closed") {
      const reasons: { readonly [I in SessionInput]?: EngineCloseReason } = CLOSE_REASONS;
      this.finish(reasons[input] ?? VIOLATION_REASON, description);
      return false;
    }
    this.state = to;
    return true;
  }

  /** The heartbeat sub-machine. */
  private beat(input: HeartbeatInput): void {
    const from = this.heartbeat;
    const to = HEARTBEAT_TABLE[from][input];
    if (to === undefined) {
      this.finish(VIOLATION_REASON, cannotHandle(`heartbeat ${input}`, from));
      return;
    }
    this.heartbeat = to;
    const o = this.host.options;
    switch (input) {
      case "start":
        this.arm(o.pingInterval);
        return;
      case "deadline":
        if (from === "waiting") {
          this.arm(o.pingTimeout);
          this.queue(PING);
        } else {
          this.step("heartbeat:timeout");
        }
        return;
      case "pong":
        // Like the reference: the next ping goes out one interval after the pong.
        if (from === "awaiting-pong" || from === "awaiting-pong-extended") this.arm(o.pingInterval);
        return;
      case "traffic":
        if (from === "awaiting-pong") this.arm(o.pingTimeout);
        return;
      case "stop":
        this.disarm();
        return;
    }
  }

  private arm(delay: number): void {
    const timers = this.host.timers;
    const timer = this.timer;
    if (timer === undefined) this.timer = timers.set(delay, EngineSocket.timerFired, this);
    else timers.reset(timer, delay);
  }

  private disarm(): void {
    this.host.timers.cancel(this.timer);
  }

  /** The heartbeat or close deadline passed (a static function: the timer needs no closure). */
  private static timerFired(this: EngineSocket): void {
    if (this.state === "closing") this.step("local:closed");
    else this.beat("deadline");
  }

  /**
   * A closing session hands the transport what it can take now. A websocket takes the buffered
   * packets and `1` in one batch (`finish`), once it is not backpressured. A parked GET takes
   * the buffered packets alone, and only the next GET takes `1`: the reference server does the
   * same, and socket.io-client depends on it, since it delivers the packets of a payload on a
   * later tick while it handles a `1` at once — an ack in the same payload as the `1` would
   * arrive after the client had already failed it as disconnected.
   */
  private proceedClosing(): void {
    if (this.transportName === "websocket") {
      if (this.peer !== undefined && !this.blocked) this.step("local:closed");
      return;
    }
    const polling = this.polling;
    if (polling?.parked === undefined) return;
    const batch = this.takeBuffer();
    if (batch === undefined) {
      this.step("local:closed");
      return;
    }
    polling.answer(encodePollingPayload(batch));
    this.emit("drain");
  }

  /** The one way a session ends. */
  private finish(reason: EngineCloseReason, description?: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.heartbeat = "stopped";
    this.disarm();
    this.dropProbe(1001, "session closed");
    // A deliberate close delivers what was queued before it; any other end drops it.
    const graceful = reason === "forced close" || reason === "server shutting down";
    const buffered = graceful ? this.buffer : undefined;
    this.buffer = undefined;
    this.held = 0;
    let delivered = false;
    const peer = this.peer;
    this.peer = undefined;
    if (peer !== undefined) {
      if (graceful) {
        const last = buffered ?? [];
        delivered = last.length > 0;
        last.push(CLOSE);
        peer.send(last);
      }
      peer.close(WS_CLOSE_CODES[reason], reason);
    }
    const polling = this.polling;
    this.polling = undefined;
    if (polling?.parked !== undefined) {
      delivered = buffered !== undefined;
      polling.answer(encodePollingPayload(buffered, CLOSE));
    }
    polling?.dropPost(1);
    this.host.sessionClosed(this);
    // The goodbye took the buffer with it: "drain" before "close", as the reference orders them.
    if (delivered) this.emit("drain");
    const handler = this.handler;
    this.handler = undefined;
    if (handler !== undefined) {
      try {
        handler.onClose(reason, description);
      } catch (error) {
        reportError(this.host.options.onError, "an Engine.IO close handler threw", error);
      }
    }
    this.emit("close", reason, description);
    this.events = undefined;
  }

  // ── writing ─────────────────────────────────────────────────────────────────────────

  private queue(packet: WirePacket): void {
    (this.buffer ??= []).push(packet);
    this.held += packetSize(packet);
    if (this.held > this.host.options.maxBufferedBytes) {
      // A transport that can take bytes now gets them now: a burst emitted in one tick is not
      // a client that stopped reading. Only what piles up while the transport cannot take it
      // (backpressure, no GET parked) ends the session.
      this.flush();
      if (this.held > this.host.options.maxBufferedBytes) {
        this.step("local:overflow", `more than ${this.host.options.maxBufferedBytes} bytes waiting`);
      }
      return;
    }
    // While its own message is handled, `wsMessage` flushes right after (writesTogether).
    if (!this.flushPending && handling !== this) {
      this.flushPending = true;
      this.host.queueFlush(this);
    }
  }

  private takeBuffer(): WirePacket[] | undefined {
    const buffer = this.buffer;
    this.buffer = undefined;
    this.held = 0;
    return buffer;
  }

  /**
   * Hands the write buffer to the transport if it can take it now, then emits "drain": the
   * buffer is empty and the transport took everything (a GET response, or a websocket send
   * that did not report backpressure). A backpressured websocket emits "drain" later, when the
   * shim reports `drained()` and what queued meanwhile has gone out too.
   */
  private flush(): void {
    const state = this.state;
    if (state !== "open" && state !== "upgrading") return;
    if (this.transportName === "websocket") {
      const peer = this.peer;
      if (peer === undefined || this.blocked) return;
      const batch = this.takeBuffer();
      if (batch === undefined) return;
      if (!peer.send(batch)) {
        this.blocked = true;
        return;
      }
    } else {
      const polling = this.polling;
      if (polling?.parked === undefined || this.probe?.state === "awaiting-upgrade") return;
      const batch = this.takeBuffer();
      if (batch === undefined) return;
      polling.answer(encodePollingPayload(batch));
    }
    if (this.events !== undefined) this.emit("drain");
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────

  private transportMessage(peer: WebSocketPeer, data: string | Uint8Array): void {
    const size = typeof data === "string" ? data.length : data.byteLength;
    if (size > this.host.options.maxHttpBufferSize) {
      this.peer = undefined;
      peer.close(1009, MESSAGE_TOO_BIG);
      this.transportError(MESSAGE_TOO_BIG);
      return;
    }
    // A text message ("4…"), nearly every packet, skips the packet object and the slice.
    if (typeof data === "string" && data.charCodeAt(0) === CODE_MESSAGE) {
      this.receiveText(data);
      return;
    }
    let packet: EnginePacket;
    try {
      packet = decodePacket(data);
    } catch (error) {
      this.invalid(error instanceof Error ? error.message : String(error));
      return;
    }
    this.receive(packet);
  }

  // ── upgrading ───────────────────────────────────────────────────────────────────────

  private probeMessage(data: string | Uint8Array): void {
    let input: ProbeInput = "other";
    if (typeof data === "string" && data.length <= this.host.options.maxHttpBufferSize) {
      try {
        const packet = decodePacket(data);
        if (packet.type === "ping" && packet.data === "probe") input = "ping";
        else if (packet.type === "upgrade" && packet.data === undefined) input = "upgrade";
      } catch {
        // stays "other": the probe fails below
      }
    }
    this.probeSaid(input);
  }

  /** The probe sub-machine. */
  private probeSaid(input: ProbeInput): void {
    const probe = this.probe;
    if (probe === undefined) {
      // No probe (so not upgrading): the session table has no such pair; it judges.
      this.step(input === "ping" ? "probe:ping" : input === "upgrade" ? "probe:upgrade" : "probe:fail");
      return;
    }
    const next = PROBE_TABLE[probe.state][input];
    if (next === undefined) {
      this.failProbe(1002, cannotHandle(`probe ${input}`, probe.state), true);
      return;
    }
    if (next === "done") {
      this.completeUpgrade(probe);
      return;
    }
    if (!this.step("probe:ping")) return;
    probe.state = next;
    probe.peer.send([PONG_PROBE]);
    // Release a parked GET so the client can pause polling and send `5`.
    const polling = this.polling;
    if (polling?.parked !== undefined) polling.answer(encodePollingPayload(undefined, NOOP));
  }

  private completeUpgrade(probe: Probe): void {
    this.probe = undefined;
    this.host.timers.cancel(probe.timer);
    if (!this.step("probe:upgrade")) {
      probe.peer.close(1000, "session closed");
      return;
    }
    const polling = this.polling;
    this.polling = undefined;
    if (polling?.parked !== undefined) polling.answer(encodePollingPayload(undefined, NOOP));
    polling?.dropPost(3);
    this.transportName = "websocket";
    this.peer = probe.peer;
    this.blocked = false;
    this.emit("upgrade", TRANSPORTS.websocket);
    // A session that began closing meanwhile says its goodbye over the new transport.
    if (this.state === "closing") this.proceedClosing();
    else this.flush();
  }

  /** The probe failed: close it (unless it is already gone) and carry on over polling. */
  private failProbe(code: number, description: string, closePeer: boolean): void {
    const probe = this.probe;
    this.dropProbe(code, description, closePeer);
    if (!this.step("probe:fail")) return;
    if (probe !== undefined && this.buffer !== undefined) this.flush();
  }

  private dropProbe(code: number, reason: string, closePeer = true): void {
    const probe = this.probe;
    if (probe === undefined) return;
    this.probe = undefined;
    this.host.timers.cancel(probe.timer);
    if (closePeer) probe.peer.close(code, reason);
  }

  // ── events ──────────────────────────────────────────────────────────────────────────

  /** A message from the client: the handler first, then the `on("message")` listeners. */
  private deliver(data: string | Uint8Array): void {
    const handler = this.handler;
    if (handler !== undefined) {
      try {
        handler.onMessage(data);
      } catch (error) {
        reportError(this.host.options.onError, "an Engine.IO message handler threw", error);
      }
    }
    if (this.events !== undefined) this.emit("message", data); // no rest-argument array when none listen
  }

  private emit<K extends keyof EngineSocketEvents>(event: K, ...args: Parameters<EngineSocketEvents[K]>): void {
    const events = this.events;
    if (events === undefined) return;
    try {
      events.emit(event, ...args);
    } catch (error) {
      reportError(this.host.options.onError, `an Engine.IO "${event}" listener threw`, error);
    }
  }
}
