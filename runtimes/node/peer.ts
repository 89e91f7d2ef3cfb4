// One upgraded Node socket as the core sees it. The framing, pings and closing handshake
// are runtimes/shared/websocket/peer.ts; this is how they reach a `Duplex`: writes (one
// buffer when several frames leave together), `writableNeedDrain`, `end`, and a destroy
// after the grace period.
//
// Memory: thousands of these sit idle at once, so the socket's listeners are module-level
// functions shared by every peer (Node calls a listener with the socket as `this`, and the
// socket carries its peer under a symbol) rather than closures made per connection.

import type { Duplex } from "node:stream";
import type { WebSocketConnection, WirePacket } from "../../src/engine/contract.js";
import { FramedWebSocketPeer } from "../shared/websocket/peer.js";

/** How long a socket we closed may linger before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** Where a socket keeps the peer that owns it, for the shared listeners below. */
const PEER: unique symbol = Symbol("unio.websocket.peer");

type PeerSocket = Duplex & { [PEER]?: NodeWebSocketPeer };

export class NodeWebSocketPeer extends FramedWebSocketPeer {
  private grace: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: Duplex,
    maxPayload: number,
    /** Told when the socket is gone: one function for all the peers of an attachment. */
    private readonly onGone: (peer: NodeWebSocketPeer) => void,
  ) {
    super(maxPayload);
  }

  /** Binds the core's side (what `verdict.open(peer)` returned), then starts reading, `head` first. */
  start(connection: WebSocketConnection, head: Uint8Array): void {
    this.connection = connection;
    const socket = this.socket as PeerSocket;
    socket[PEER] = this;
    // The upgrade handler has put it there already, before the core decided.
    if (socket.listenerCount("error") === 0) socket.on("error", destroyOnError);
    socket.on("close", onSocketClose);
    socket.on("end", onSocketEnd);
    socket.on("drain", onSocketDrain);
    if (socket.destroyed) {
      this.onSocketClose();
      return;
    }
    if (head.length > 0) this.receive(head);
    socket.on("data", onSocketData);
  }

  override send(packets: readonly WirePacket[]): boolean {
    if (packets.length < 2 || this.gathering !== undefined) return super.send(packets);
    // Several frames leave as one buffer: copying them together cost less than a corked
    // writev of each (paired ack A/B, 8 rounds: 0.969×, every round lower).
    const frames: Uint8Array[] = [];
    this.gathering = frames;
    try {
      super.send(packets);
    } finally {
      this.gathering = undefined;
    }
    return frames.length === 0 || this.socket.write(Buffer.concat(frames));
  }

  /** Frames kept to leave together; see `send` and `hold`. */
  private gathering: Uint8Array[] | undefined = undefined;
  /** The core closed while frames were held: end the socket once they are out. */
  private endAfterRelease = false;

  /**
   * Keeps what the core sends until `release`, which writes `head` (the 101) and those frames
   * (the open packet) as one buffer: one write per handshake, not a corked writev.
   */
  hold(): void {
    this.gathering = [];
  }

  release(head: Uint8Array): void {
    const out = Buffer.concat([head, ...(this.gathering ?? [])]);
    this.gathering = undefined;
    if (this.endAfterRelease) this.socket.end(out);
    else this.socket.write(out);
  }

  protected write(frame: Uint8Array): boolean {
    if (this.gathering !== undefined) {
      this.gathering.push(frame);
      return true;
    }
    return this.socket.write(frame);
  }

  protected get backedUp(): boolean {
    return this.socket.writableNeedDrain;
  }

  /** Binary as a `Buffer` every time, as socket.io gives it on Node (a view: no copy). */
  protected override deliver(data: string | Uint8Array): void {
    this.connection?.message(typeof data === "string" || Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  protected endWith(frame: Uint8Array): void {
    if (this.gathering !== undefined) {
      // Held behind the 101: it leaves with it, and then the socket ends.
      this.gathering.push(frame);
      this.endAfterRelease = true;
    } else if (!this.socket.destroyed) this.socket.end(frame);
    this.armGrace();
  }

  protected armGrace(): void {
    if (this.grace !== undefined || this.socket.destroyed) return;
    this.grace = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.grace.unref();
  }

  /** @internal The socket is gone. */
  onSocketClose(): void {
    if (this.grace !== undefined) clearTimeout(this.grace);
    this.grace = undefined;
    this.lost();
    this.onGone(this);
  }
}

// ── the socket's listeners, shared by every peer ─────────────────────────────────────

/** A socket error (a reset, a write after the end): the socket is done; "close" follows. */
export function destroyOnError(this: Duplex): void {
  this.destroy();
}

function onSocketClose(this: PeerSocket): void {
  this[PEER]?.onSocketClose();
}

/**
 * The client half-closed without a close frame (or after it): finish our side too, unless
 * it is finished already (ending an ended socket makes Node build and format an error).
 */
function onSocketEnd(this: Duplex): void {
  if (!this.writableEnded) this.end();
}

function onSocketDrain(this: PeerSocket): void {
  this[PEER]?.drained();
}

function onSocketData(this: PeerSocket, chunk: Buffer): void {
  this[PEER]?.receive(chunk);
}
