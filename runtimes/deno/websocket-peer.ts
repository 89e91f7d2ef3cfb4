// One upgraded Deno connection as the core sees it. The framing, pings and closing
// handshake are runtimes/shared/websocket/peer.ts (a message over `maxPayload` is refused
// with 1009 from its header, before its bytes are read); this is how they reach the
// connection's writer: writes gathered per turn, a high-water mark on what the kernel has
// not taken yet, and a hard close after the grace period.

import type { WebSocketConnection } from "../../src/engine/contract.js";
import { startTimer } from "../shared/clock.js";
import { FramedWebSocketPeer } from "../shared/websocket/peer.js";
import type { ConnWriter } from "./writer.js";

/** How long a connection we closed may linger before it is closed hard. */
const CLOSE_GRACE_MS = 1000;
/** Bytes not yet taken by the kernel past which `send` asks the core to wait (Node's socket default). */
const HIGH_WATER = 16 * 1024;

/** What the peer needs of its connection. */
export interface PeerConnection {
  readonly writer: ConnWriter;
  /** Closes the connection at once (both halves). */
  destroy(): void;
}

export class DenoWebSocketPeer extends FramedWebSocketPeer {
  private isGone = false;
  private cancelGrace: (() => void) | undefined;

  constructor(
    private readonly conn: PeerConnection,
    maxPayload: number,
  ) {
    super(maxPayload);
    conn.writer.onDrained = () => this.drained();
  }

  /** Binds the core's side (what `verdict.open(peer)` returned), then takes `head`: bytes that came after the request. */
  start(connection: WebSocketConnection, head: Uint8Array): void {
    this.connection = connection;
    if (head.length > 0) this.receive(head);
  }

  protected write(frame: Uint8Array): boolean {
    return this.conn.writer.write(frame, HIGH_WATER);
  }

  protected get backedUp(): boolean {
    return this.conn.writer.pending > HIGH_WATER;
  }

  protected endWith(frame: Uint8Array): void {
    this.conn.writer.write(frame);
    this.conn.writer.end();
    this.armGrace();
  }

  protected armGrace(): void {
    if (this.isGone) return;
    this.cancelGrace ??= startTimer(CLOSE_GRACE_MS, () => this.conn.destroy());
  }

  /** The connection is gone (closed by either side, or reset). */
  gone(): void {
    this.isGone = true;
    this.cancelGrace?.();
    this.cancelGrace = undefined;
    this.lost();
  }
}
