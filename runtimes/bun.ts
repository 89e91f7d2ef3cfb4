// unio on Bun: an object with `fetch` and `websocket` to spread into `Bun.serve`
// (`server.upgrade` carries each connection's peer in `ws.data`), an optional fall-through
// to the application's own `fetch`, and `serve()` for a standalone server. The Bun API is
// declared below, structurally, as far as it is used, so the published types need no Bun
// type package.

import { setSmallValueWriter } from "../src/codec/socket-encoder.js";
import type { WebSocketConnection, WebSocketPeer, WirePacket } from "../src/engine/contract.js";
import { type AcceptedUpgrade, fetchOptions, handleFetch, timedEngineOf } from "./fetch/handle.js";
import { handshakeRefused } from "./fetch/hang-up.js";
import { InFlight } from "./fetch/in-flight.js";
import { notFound, pathAndQuery } from "./fetch/request.js";
import type { EngineHost } from "./shared/engine-host.js";
import type { BodyOptions, FetchServeOptions, RunningServer } from "./shared/serve-options.js";

export type { BodyOptions, FetchServeOptions as ServeOptions, RunningServer } from "./shared/serve-options.js";

/** The slice of Bun's `ServerWebSocket` unio touches. */
export interface BunWebSocket {
  /** What `server.upgrade` was given: unio's peer for this socket. */
  readonly data: BunSocketData;
  /** Bytes sent (> 0), -1 queued under backpressure, 0 dropped (or an empty message sent). */
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
  /** Runs `callback` with the sends made inside it written out together. */
  cork(callback: (ws: BunWebSocket) => void): void;
}

/** The slice of Bun's `Server` unio touches. */
export interface BunServer {
  upgrade(request: Request, options: { data: BunSocketData }): boolean;
  requestIP(request: Request): { readonly address: string } | null;
  /** Per-request idle timeout in seconds (0: none). */
  timeout(request: Request, seconds: number): void;
}

export type BunFetch = (request: Request, server: BunServer) => Response | undefined | Promise<Response | undefined>;

export interface BunHandler {
  fetch: BunFetch;
  websocket: {
    /** Bun closes a socket whose message is larger (1009): the engine's `maxHttpBufferSize`. */
    maxPayloadLength: number;
    open(ws: BunWebSocket): void;
    message(ws: BunWebSocket, message: string | Uint8Array): void;
    drain(ws: BunWebSocket): void;
    close(ws: BunWebSocket, code: number, reason: string): void;
  };
}

export interface HandlerOptions extends BodyOptions {
  /** Called for requests outside the engine's path (default: 404). */
  readonly fetch?: BunFetch;
}

/**
 * `Bun.serve({ ...handler(io), port })`. With `{ fetch }`, requests outside the engine's
 * path go to the application's own handler.
 */
export function handler(io: EngineHost, options: HandlerOptions = {}): BunHandler {
  const engine = timedEngineOf(io);
  // On JavaScriptCore JSON.stringify writes small event arguments faster than the codec's JS
  // writer, whose string pieces Bun's send would have to join again (see socket-encoder.ts).
  setSmallValueWriter("native");
  const fallback = options.fetch;
  const longPoll = longPollTimeout(engine.options.pingInterval, engine.options.pingTimeout);
  const fetching = fetchOptions(options);
  return {
    fetch(request, server) {
      if (!engine.handles(pathAndQuery(request.url))) return fallback ? fallback(request, server) : notFound();
      // Bun's default 10 s idle timeout would cut a long poll the core parks for a ping
      // interval. Only a GET is parked: a POST keeps Bun's timeout, so that a body trickling
      // in (or never coming) cannot hold its connection forever.
      if (request.method === "GET") server.timeout(request, longPoll);
      const connection = new BunConnection(server, request);
      const upgrader = (accepted: AcceptedUpgrade): Response | undefined =>
        server.upgrade(request, { data: new BunPeer(accepted) }) ? undefined : handshakeRefused();
      return handleFetch(engine, request, connection, upgrader, fetching);
    },
    websocket: {
      maxPayloadLength: engine.options.maxHttpBufferSize,
      open(ws) {
        // Local misuse, said plainly: the app's own fetch upgraded a socket of its own.
        if (!(ws.data instanceof BunPeer)) throw new TypeError(FOREIGN_SOCKET);
        ws.data.opened(ws);
      },
      // Bun hands text frames as strings and binary ones as a Buffer, which is a Uint8Array.
      message(ws, message) {
        const peer = ws.data;
        receiving = peer;
        peer.connection?.message(message);
      },
      drain(ws) {
        ws.data.drained();
      },
      close(ws, code, reason) {
        ws.data.closed(code, reason);
      },
    },
  };
}

/** The peer's address, asked of Bun only when the core reads it (`requestIP` is not cheap). */
class BunConnection {
  constructor(
    private readonly server: BunServer,
    private readonly request: Request,
  ) {}

  get remoteAddress(): string {
    return this.server.requestIP(this.request)?.address ?? "";
  }
}

/** Bun's longest per-request idle timeout, in seconds. */
const BUN_MAX_TIMEOUT = 255;

/**
 * The idle timeout of a GET, in seconds: a parked poll is answered at the latest with the
 * next ping (`pingInterval`), and a client gone silent is dropped by the core after
 * `pingTimeout` more; a few seconds' margin on top. 0 (none) when that is beyond Bun's limit.
 */
export function longPollTimeout(pingInterval: number, pingTimeout: number): number {
  const seconds = Math.ceil((pingInterval + pingTimeout) / 1000) + 5;
  return seconds > BUN_MAX_TIMEOUT ? 0 : seconds;
}

const FOREIGN_SOCKET =
  "unio/bun: this Bun.serve's websocket handlers belong to unio; a WebSocket upgraded by the application's own fetch needs a Bun.serve of its own";

/**
 * Bytes a peer may queue for the end of the turn before `send` reports backpressure: the core
 * then keeps what follows in its own bounded buffer, as it does when Bun reports -1.
 */
const TURN_HIGH_WATER = 1 << 20;

/** `BunPeer.pressure`: Bun answered -1 (wait for its `drain`); `send` answered false (the core waits for `drained()`). */
const CONGESTED = 1;
const OWED = 2;

/**
 * One WebSocket as the core's peer, kept in Bun's `ws.data`: one object per connection, no
 * closures.
 *
 * Writes are batched per event-loop turn. Bun corks a socket while its own `message`, `open`
 * and `drain` callbacks run (and the microtasks right after them, where the core flushes), so
 * what the core sends to that socket then is written together: such sends go straight out
 * (see `receiving`).
 * But a send to any other socket (a broadcast to a room) is a socket write of its own, so the
 * broadcasts of one turn's messages would cost a write per packet per recipient. Those
 * packets are queued instead, and once the turn's messages are all handled (`setImmediate`)
 * each socket with a queue sends it inside one `ws.cork()`: a socket gets one write per turn,
 * and a direct send first sends what is queued, so order is kept.
 *
 * Backpressure keeps its meaning: `send` answers false while Bun reports -1 (until its
 * `drain`) and while the queue holds more than TURN_HIGH_WATER bytes (until it is written);
 * the core then holds what follows and waits for `drained()`. A message Bun drops (0 for a
 * non-empty one) closes the socket with 1011, since a gap in the stream must not go unnoticed.
 * A close from the core sends the queue first, so its goodbye is never lost.
 */
export class BunPeer implements WebSocketPeer {
  /** The core's side of this socket, once open. */
  connection: WebSocketConnection | undefined = undefined;
  /** The upgrade verdict until `open`, then dropped: it keeps the upgrade request alive. */
  private accepted: AcceptedUpgrade | undefined;
  /** The socket from `open` until closed (by us or by the client): sends are dropped without it. */
  private ws: BunWebSocket | undefined = undefined;
  /** Packets for the end of this turn, and their size (UTF-16 units for text). */
  private queue: WirePacket[] | undefined = undefined;
  private queued = 0;
  /** CONGESTED and OWED bits (flags rather than fields keep a peer in JSC's 64-byte size class). */
  private pressure = 0;

  constructor(accepted: AcceptedUpgrade) {
    this.accepted = accepted;
  }

  /** Bun corks the socket around its callbacks: the core may hand a message's replies over at once. */
  get writesTogether(): boolean {
    return true;
  }

  send(packets: readonly WirePacket[]): boolean {
    const ws = this.ws;
    if (ws === undefined) return true;
    if (receiving === this && this.queue === undefined) {
      // This socket's callback ran last (see `receiving`) and nothing waits before these.
      for (let i = 0; i < packets.length; i++) {
        if (!this.sendOne(ws, packets[i]!.data)) {
          this.ws = undefined;
          ws.close(1011, "send failed");
          return true;
        }
      }
      if ((this.pressure & CONGESTED) === 0) return true;
      this.pressure |= OWED;
      return false;
    }
    let queue = this.queue;
    if (queue === undefined) {
      queue = this.queue = [];
      turn.add(this);
    }
    for (let i = 0; i < packets.length; i++) {
      const packet = packets[i]!;
      queue.push(packet);
      const data = packet.data;
      this.queued += typeof data === "string" ? data.length : data.byteLength;
    }
    if (receiving === this) {
      // Its callback ran last, with packets from earlier in the turn waiting: all of them go
      // out now, in order (the turn's write then finds nothing).
      this.sendQueue(ws);
      if (this.ws === undefined) {
        ws.close(1011, "send failed");
        return true;
      }
    }
    if ((this.pressure & CONGESTED) === 0 && this.queued <= TURN_HIGH_WATER) return true;
    this.pressure |= OWED;
    return false;
  }

  close(code: number, reason: string): void {
    if (this.ws === undefined) return;
    this.write();
    const ws = this.ws;
    if (ws === undefined) return; // the queue could not be sent: already closed with 1011
    this.ws = undefined;
    ws.close(code, reason);
  }

  /** @internal Bun's `open`: the core takes the socket over. */
  opened(ws: BunWebSocket): void {
    const accepted = this.accepted;
    this.accepted = undefined;
    this.ws = ws;
    if (accepted === undefined) return;
    receiving = this; // Bun corks `open`: the open packet goes straight out
    this.connection = accepted.open(this);
  }

  /** @internal Bun's `drain`: its buffer has room again. */
  drained(): void {
    if ((this.pressure & CONGESTED) === 0) return;
    this.pressure &= ~CONGESTED;
    receiving = this; // Bun corks `drain` too
    this.release();
  }

  /** @internal Bun's `close`: the socket is gone. */
  closed(code: number, reason: string): void {
    if (receiving === this) receiving = undefined;
    this.ws = undefined;
    this.queue = undefined;
    this.connection?.closed(code, reason);
  }

  /** @internal Sends what was queued this turn, in one corked write. */
  write(): void {
    const ws = this.ws;
    if (this.queue === undefined || ws === undefined) return;
    ws.cork(sendQueued);
    if (this.ws === undefined) ws.close(1011, "send failed");
    else this.release();
  }

  /** @internal Inside `cork` (see `sendQueued`). */
  sendQueue(ws: BunWebSocket): void {
    const queue = this.queue;
    this.queue = undefined;
    this.queued = 0;
    if (queue === undefined) return;
    for (let i = 0; i < queue.length; i++) {
      if (!this.sendOne(ws, queue[i]!.data)) {
        this.ws = undefined;
        return;
      }
    }
  }

  /** One `ws.send`: notes backpressure (-1); false when Bun dropped the message. */
  private sendOne(ws: BunWebSocket, data: string | Uint8Array): boolean {
    const sent = ws.send(data);
    if (sent === -1) this.pressure |= CONGESTED;
    // Bun also answers 0 for an empty message, which did go out.
    else if (sent === 0 && (typeof data === "string" ? data.length : data.byteLength) > 0) return false;
    return true;
  }

  /** Tells the core it may send again, if it was told to wait and nothing holds it back now. */
  private release(): void {
    if (this.pressure !== OWED || this.queue !== undefined) return;
    this.pressure = 0;
    this.connection?.drained();
  }
}

/**
 * The peer of the socket whose Bun callback ran last. Bun keeps that socket corked through
 * its callback and the microtasks after it, where the core flushes, so its sends go straight
 * out. The mark is not cleared afterwards: a send to that socket from a timer or another
 * request then goes straight out too, uncorked, which is just what it would cost without the
 * batching, and still in order (what is queued for it goes first).
 */
let receiving: BunPeer | undefined;

/** `cork`'s callback, one function for every socket: the peer is the socket's `data`. */
function sendQueued(ws: BunWebSocket): void {
  ws.data.sendQueue(ws);
}

/**
 * The peers with packets queued in this turn, written out together once its messages are
 * handled: one list for the process (every handler's sockets), so a peer carries no pointer to it.
 */
class SendTurn {
  private peers: BunPeer[] = [];
  private scheduled = false;

  add(peer: BunPeer): void {
    this.peers.push(peer);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const peers = this.peers;
    this.peers = [];
    for (let i = 0; i < peers.length; i++) peers[i]!.write();
  };
}

const turn = new SendTurn();

/** What unio keeps per WebSocket in Bun's `ws.data`: its peer. */
export type BunSocketData = BunPeer;

declare const Bun: {
  serve(options: BunHandler & { port: number; hostname?: string }): {
    readonly port: number;
    stop(closeActiveConnections: boolean): Promise<void>;
  };
};

/** Serves `io` on its own `Bun.serve` server. Resolves once listening. */
export async function serve(io: EngineHost & { close(): unknown }, options: FetchServeOptions = {}): Promise<RunningServer> {
  const handle = handler(io, options.bodyTimeout === undefined ? {} : { bodyTimeout: options.bodyTimeout });
  const inFlight = new InFlight();
  const server = Bun.serve({
    ...handle,
    fetch: (request, bun) => inFlight.track(handle.fetch(request, bun)),
    port: options.port ?? 3000,
    ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
  });
  let closing: Promise<void> | undefined;
  return {
    port: server.port,
    close() {
      closing ??= (async () => {
        await io.close(); // the core first: parked polls are answered, WebSockets closed
        await inFlight.settled();
        await server.stop(true);
      })();
      return closing;
    },
  };
}
