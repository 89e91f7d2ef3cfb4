// One upgraded socket as the core sees it: frames the core's packets out, decodes the
// client's frames in, answers pings, and runs the closing handshake. Every protocol
// decision about what the messages mean stays in the core.
//
// Memory: thousands of these sit idle at once, so the socket's listeners are module-level
// functions shared by every peer (Node calls a listener with the socket as `this`, and the
// socket carries its peer under a symbol) rather than closures made per connection.

import type { Duplex } from "node:stream";
import type { WebSocketConnection, WebSocketPeer, WirePacket } from "../../src/engine/contract.js";
import { FrameDecoder, Opcode, encodeClose, encodeFrame, utf8Length } from "../shared/websocket/index.js";

/** How long a socket we closed may linger before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

/** Where a socket keeps the peer that owns it, for the shared listeners below. */
const PEER: unique symbol = Symbol("unio.websocket.peer");

type PeerSocket = Duplex & { [PEER]?: NodeWebSocketPeer };


/**
 * open: messages flow.
 * closing: we sent a close frame (the core asked); waiting for the socket to go.
 * closed: the close handshake is over or the socket is gone; `closed()` was reported.
 */
type PeerState = "open" | "closing" | "closed";

export class NodeWebSocketPeer implements WebSocketPeer {
  private state: PeerState = "open";
  private connection: WebSocketConnection | undefined;
  private readonly decoder: FrameDecoder;
  /** What to report when the socket goes: 1006 unless a close was sent or received. */
  private closeCode = 1006;
  private closeReason = "";
  private reported = false;
  private grace: ReturnType<typeof setTimeout> | undefined;
  /** The latest ping's payload, while the socket is too full to take its pong (see `receive`). */
  private pendingPong: Uint8Array | undefined = undefined;

  constructor(
    private readonly socket: Duplex,
    maxPayload: number,
    /** Told when the socket is gone: one function for all the peers of an attachment. */
    private readonly onGone: (peer: NodeWebSocketPeer) => void,
  ) {
    this.decoder = new FrameDecoder({ maxPayload });
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

  send(packets: readonly WirePacket[]): boolean {
    if (this.state !== "open") return true; // dropped: `closed()` is on its way to the core
    const socket = this.socket;
    if (packets.length === 1 && packets[0] !== undefined) return socket.write(frameOf(packets[0]));
    // Several frames leave in one writev.
    socket.cork();
    let ok = true;
    for (const packet of packets) ok = socket.write(frameOf(packet));
    socket.uncork();
    return ok;
  }

  close(code: number, reason: string): void {
    if (this.state !== "open") return;
    this.state = "closing";
    this.closeCode = code;
    this.closeReason = reason;
    // A reason that does not fit in a control frame is dropped rather than cut mid-character.
    this.endWith(encodeClose(code, utf8Length(reason) <= 123 ? reason : ""));
  }

  /** Shutdown: a going-away close for an open socket; either way it is destroyed after the grace period. */
  shutdown(): void {
    this.close(1001, "");
    this.armGrace();
  }

  /** @internal The socket's send buffer emptied. */
  drained(): void {
    if (this.state !== "open") return;
    const pong = this.pendingPong;
    if (pong !== undefined) {
      this.pendingPong = undefined;
      this.socket.write(encodeFrame(Opcode.pong, pong));
    }
    this.connection?.drained();
  }

  /** @internal Bytes from the client. */
  receive(chunk: Uint8Array): void {
    for (const event of this.decoder.push(chunk)) {
      switch (event.kind) {
        case "message":
          if (this.state === "open") this.connection?.message(asNodeBytes(event.data));
          break;
        case "ping":
          if (this.state !== "open") break;
          if (this.socket.writableNeedDrain) {
            // A client that pings and never reads must not fill our memory with pongs. RFC 6455
            // §5.5.3 lets us answer only the latest ping: it goes out once the socket drains.
            this.pendingPong = event.data.slice();
          } else {
            this.socket.write(encodeFrame(Opcode.pong, event.data));
          }
          break;
        case "pong":
          break;
        case "close":
          if (this.state === "open") {
            // Echo the code (none for none), as RFC 6455 §5.5.1 suggests.
            this.endWith(event.code === 1005 ? encodeClose() : encodeClose(event.code));
            this.finish(event.code, event.reason);
          } else {
            // The answer to the close we sent: the core hears the code it asked for.
            this.finish(this.closeCode, this.closeReason);
          }
          break;
        case "error":
          if (this.state === "open") this.endWith(encodeClose(event.code));
          this.finish(event.code, event.reason);
          break;
      }
    }
  }

  /** The close handshake is over from our side: report it and let the socket go. */
  private finish(code: number, reason: string): void {
    this.state = "closed";
    this.report(code, reason);
    this.armGrace();
  }

  private endWith(frame: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.end(frame);
    this.armGrace();
  }

  private armGrace(): void {
    if (this.grace !== undefined || this.socket.destroyed) return;
    this.grace = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    this.grace.unref();
  }

  /** @internal The socket is gone. */
  onSocketClose(): void {
    if (this.grace !== undefined) clearTimeout(this.grace);
    this.grace = undefined;
    this.state = "closed";
    this.report(this.closeCode, this.closeReason);
    this.onGone(this);
  }

  private report(code: number, reason: string): void {
    if (this.reported) return;
    this.reported = true;
    this.connection?.closed(code, reason);
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

/** The frame for a packet, encoded once per packet: a broadcast shares it across sockets. */
function frameOf(packet: WirePacket): Uint8Array {
  const cached = packet.frame;
  if (cached instanceof Uint8Array) return cached;
  const data = packet.data;
  const frame = encodeFrame(typeof data === "string" ? Opcode.text : Opcode.binary, data);
  packet.frame = frame;
  return frame;
}

/** Binary as a `Buffer` every time, as socket.io gives it on Node (a view: no copy). */
function asNodeBytes(data: string | Uint8Array): string | Uint8Array {
  if (typeof data === "string" || Buffer.isBuffer(data)) return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
