// One TCP connection of unio's own HTTP/1.1 server on Deno: reads, parses request heads,
// hands each request to the core in order (pipelined ones wait their turn), writes the
// answers, and after a 101 carries the WebSocket. Every deadline of the connection (the
// head's, the keep-alive idle's, the linger after a closing answer) runs on one timer at a
// time, re-armed when the connection changes phase, never per read.

import type { EngineResponse } from "../../src/engine/contract.js";
import { concatBytes } from "../shared/bytes.js";
import type { HostedEngine } from "../shared/engine-host.js";
import { HeadReader, type RequestHead, type ResponseFraming, encodeResponse } from "../shared/http1/index.js";
import type { DenoConn } from "./api.js";
import { Deadline } from "./deadline.js";
import { Exchange, type ExchangeHost } from "./exchange.js";
import type { ConnectionLimits } from "./options.js";
import { upgrade } from "./upgrade.js";
import type { DenoWebSocketPeer, PeerConnection } from "./websocket-peer.js";
import { ConnWriter } from "./writer.js";

/** What a connection needs of its server. */
export interface ConnectionOwner {
  readonly engine: HostedEngine;
  readonly limits: ConnectionLimits;
  /** True once the server is closing: answers close their connections. */
  readonly closing: boolean;
  /** A request began (`busy`) or was answered or abandoned (`!busy`). */
  busy(connection: HttpConnection, busy: boolean): void;
  /** The connection is gone. */
  forget(connection: HttpConnection): void;
}

/**
 * head: waiting for (the rest of) a request head. request: the core has a request.
 * upgrading: the core and the handshake decide on a WebSocket. websocket: frames flow.
 * ending: a closing answer is out; what still comes is discarded until the client closes
 * or the linger ends. closed: gone.
 */
type Phase = "head" | "request" | "upgrading" | "websocket" | "ending" | "closed";

/** What the pending deadline ends: a connection that never spoke, a head, an idle keep-alive, a linger. */
type DeadlineKind = "silent" | "head" | "idle" | "linger";

/** Reads start small (an idle connection holds its buffer while it waits) and grow while they fill it. */
const SMALL_READ = 2 * 1024;
const LARGE_READ = 64 * 1024;
/** Pipelined bytes held while a request is answered; past this, reading pauses. */
const QUEUE_LIMIT = 64 * 1024;
/** How long a closing answer's connection discards what still comes before it is closed. */
const LINGER_MS = 2000;

const NOT_FOUND: EngineResponse = { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: "Not Found" };
const FAILED: EngineResponse = { status: 500, headers: {}, body: "" };

export class HttpConnection implements ExchangeHost, PeerConnection {
  readonly writer: ConnWriter;
  readonly remoteAddress: string;
  private phase: Phase = "head";
  /** Let go of once a WebSocket carries the connection. */
  private heads: HeadReader | undefined;
  private exchange: Exchange | undefined;
  private peer: DenoWebSocketPeer | undefined;
  /** Bytes after the current request (the next ones), held until it is answered. */
  private queued: Uint8Array | undefined;
  private readonly deadline = new Deadline<DeadlineKind>(this);
  private resume: (() => void) | undefined;

  constructor(
    private readonly conn: DenoConn,
    private readonly owner: ConnectionOwner,
  ) {
    // Until a WebSocket takes the writer over, its draining resumes reading (see `paused`).
    this.writer = new ConnWriter(conn, () => this.destroy(), () => this.wake());
    this.remoteAddress = conn.remoteAddr.hostname ?? "";
  }

  // On the prototype, not per connection: thousands of these sit idle.
  get bodyTimeout(): number {
    return this.owner.limits.bodyTimeout;
  }

  get closed(): boolean {
    return this.phase === "closed";
  }

  /** Reads until the connection ends; resolves once it is gone. */
  async run(): Promise<void> {
    this.deadline.arm("silent", this.owner.limits.headersTimeout);
    let buffer = new Uint8Array(SMALL_READ);
    try {
      while (this.phase !== "closed") {
        while (this.paused()) await new Promise<void>((resolve) => (this.resume = resolve));
        if (this.closed) break; // closed while paused
        const n = await this.conn.read(buffer);
        if (n === null) break;
        // Bytes nobody keeps are dropped without a copy (a client streaming a refused
        // message must not make garbage faster than the collector frees it). Others are
        // handed on as a copy (a decoder may keep views of them), and the buffer is reused.
        if (!this.discarding()) this.receive(buffer.slice(0, n));
        if (n === buffer.length && buffer.length < LARGE_READ) buffer = new Uint8Array(LARGE_READ);
        else if (n < SMALL_READ && buffer.length > SMALL_READ) buffer = new Uint8Array(SMALL_READ);
      }
    } catch {
      // A reset, or our own `close()` ending the pending read.
    }
    this.gone();
  }

  write(bytes: Uint8Array): void {
    this.writer.write(bytes, QUEUE_LIMIT);
  }

  /** Closes at once, both halves. */
  destroy(): void {
    this.gone();
  }

  /** The server is closing: WebSockets say goodbye, everything else ends once written. */
  shutdown(): void {
    if (this.phase === "websocket") this.peer?.shutdown();
    else if (this.phase !== "closed") this.end();
  }

  /** Writes a closing answer (a refused head or upgrade) and ends the connection. */
  refuse(status: number, headers: Readonly<Record<string, string>>, body: string | Uint8Array): void {
    if (this.phase === "closed") return;
    this.writer.write(encodeResponse(status, headers, body, { connection: "close" }));
    this.end();
  }

  /** After a 101: frames from here on, `rest` (what came after the request) first. */
  carry(peer: DenoWebSocketPeer): void {
    this.peer = peer;
    this.phase = "websocket";
    this.heads = undefined;
    this.wake();
  }

  private receive(chunk: Uint8Array): void {
    switch (this.phase) {
      case "websocket":
        return this.peer!.receive(chunk);
      case "head":
        return this.readHead(chunk);
      case "request": {
        const used = this.exchange?.push(chunk) ?? 0;
        if (used < chunk.length) this.hold(chunk.subarray(used));
        return;
      }
      case "upgrading":
        return this.hold(chunk);
      default:
        return; // ending: see `discarding`
    }
  }

  private readHead(chunk: Uint8Array): void {
    // The head's deadline runs from its first byte (from the accept, while nothing came).
    if (this.deadline.armed !== "head") this.deadline.arm("head", this.owner.limits.headersTimeout);
    const result = (this.heads ??= new HeadReader(this.owner.limits.maxHeaderSize)).push(chunk);
    if (result.kind === "partial") return;
    if (result.kind === "error") return this.refuse(result.status, {}, "");
    this.begin(result.head, result.rest);
  }

  private begin(head: RequestHead, rest: Uint8Array): void {
    this.deadline.clear();
    const engine = this.owner.engine;
    const handled = engine.handles(head.target);
    if (head.upgrade) {
      if (!handled) return this.refuse(400, {}, "");
      this.phase = "upgrading";
      this.owner.busy(this, true);
      void upgrade(engine, this, head, rest).finally(() => this.owner.busy(this, false));
      return;
    }
    const exchange = new Exchange(head, this, engine.options.maxHttpBufferSize);
    this.exchange = exchange;
    this.phase = "request";
    this.owner.busy(this, true);
    const used = exchange.push(rest);
    if (used < rest.length) this.hold(rest.subarray(used));
    // Not at once: a run of pipelined requests must not recurse through `answer`.
    const lose = (error: unknown): void => this.lose(error);
    if (!handled) return void Promise.resolve(NOT_FOUND).then((response) => this.answer(exchange, response)).catch(lose);
    engine
      .handleRequest(exchange)
      .then(
        (response) => this.answer(exchange, response),
        (error: unknown) => {
          // A bug in the core must not take the process down with an unhandled rejection.
          console.error("unio: handleRequest failed", error);
          this.answer(exchange, FAILED);
        },
      )
      .catch(lose);
  }

  /** A bug below us: lose this connection, not the process. */
  private lose(error: unknown): void {
    console.error("unio: connection failed", error);
    this.gone();
  }

  private answer(exchange: Exchange, response: EngineResponse): void {
    if (this.exchange !== exchange) return; // the client left first
    this.exchange = undefined;
    exchange.dispose();
    this.owner.busy(this, false);
    const { head, timedOut } = exchange;
    // A body not all here (refused over the cap, or answered before its end), or stalled
    // past its deadline (answered 408, as Node answers a request over its time): the
    // connection goes with the answer.
    const close = timedOut || !head.keepAlive || !exchange.bodyWhole || this.owner.closing;
    const framing: ResponseFraming = {
      ...(close ? { connection: "close" } : head.minorVersion === 0 ? { connection: "keep-alive" } : {}),
      headOnly: head.method === "HEAD",
    };
    const status = timedOut ? 408 : response.status;
    this.write(encodeResponse(status, response.headers, timedOut ? "" : response.body, framing));
    if (close) return this.end();
    this.phase = "head";
    this.deadline.arm("idle", this.owner.limits.keepAliveTimeout);
    const queued = this.queued;
    this.queued = undefined;
    this.wake();
    if (queued !== undefined) this.readHead(queued);
  }

  /** FIN once the answer is out; then what the client still sends is discarded, for a while. */
  private end(): void {
    if (this.phase === "ending" || this.phase === "closed") return;
    this.phase = "ending";
    this.queued = undefined;
    this.writer.end();
    this.deadline.arm("linger", LINGER_MS);
    this.wake();
  }

  private hold(bytes: Uint8Array): void {
    const queued = this.queued;
    if (queued === undefined) {
      this.queued = bytes;
      return;
    }
    this.queued = concatBytes([queued, bytes], queued.length + bytes.length);
  }

  /**
   * Reading waits while the core decides on an upgrade, while too many pipelined bytes are
   * held, and while the client does not read its answers (it cannot make us buffer them).
   */
  private paused(): boolean {
    if (this.phase === "closed" || this.phase === "websocket") return false;
    return this.phase === "upgrading" || (this.queued?.length ?? 0) > QUEUE_LIMIT || this.writer.pending > QUEUE_LIMIT;
  }

  /** What comes now is dropped unread: after a closing answer, or once the WebSocket's close handshake began. */
  private discarding(): boolean {
    return this.phase === "ending" || (this.phase === "websocket" && !this.peer!.reading);
  }

  private wake(): void {
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }

  /** @internal A deadline passed (see `Deadline`). */
  expire(deadline: DeadlineKind): void {
    // A head that took too long is answered 408 as Node answers it; an idle or lingering connection just goes.
    if (deadline === "silent" || deadline === "head") this.refuse(408, {}, "");
    else this.gone();
  }

  private gone(): void {
    if (this.phase === "closed") return;
    this.phase = "closed";
    this.deadline.clear();
    this.queued = undefined;
    try {
      this.conn.close();
    } catch {
      // Closed already.
    }
    const exchange = this.exchange;
    this.exchange = undefined;
    this.owner.forget(this);
    if (exchange !== undefined) this.owner.busy(this, false);
    this.wake();
    try {
      if (exchange !== undefined) {
        exchange.abort();
        // A parked long poll whose client left: the core lets go of it.
        if (this.owner.engine.handles(exchange.head.target)) this.owner.engine.requestAborted(exchange);
      }
      this.peer?.gone();
    } catch (error) {
      // The connection is gone either way; a bug in the core must not take the process with it.
      console.error("unio: closing a connection failed", error);
    }
  }
}
