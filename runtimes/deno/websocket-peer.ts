// One upgraded Deno connection as the core sees it: frames the core's packets out, decodes
// the client's frames in (a message over `maxPayload` is refused with 1009 from its header,
// before its bytes are read), answers pings, and runs the closing handshake. Every decision
// about what the messages mean stays in the core. Mirrors runtimes/node/peer.ts.

import type { WebSocketConnection, WebSocketPeer, WirePacket } from "../../src/engine/contract.js";
import { startTimer } from "../shared/clock.js";
import { FrameDecoder, Opcode, encodeClose, encodeFrame, utf8Length } from "../shared/websocket/index.js";
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

/**
 * open: messages flow.
 * closing: we sent a close frame (the core asked); waiting for the connection to go.
 * closed: the close handshake is over or the connection is gone; `closed()` was reported.
 */
type PeerState = "open" | "closing" | "closed";

export class DenoWebSocketPeer implements WebSocketPeer {
  private state: PeerState = "open";
  private connection: WebSocketConnection | undefined;
  private readonly decoder: FrameDecoder;
  /** What to report when the connection goes: 1006 unless a close was sent or received. */
  private closeCode = 1006;
  private closeReason = "";
  private reported = false;
  private isGone = false;
  private cancelGrace: (() => void) | undefined;
  /** The latest ping's payload, while the connection is too full to take its pong. */
  private pendingPong: Uint8Array | undefined = undefined;

  constructor(
    private readonly conn: PeerConnection,
    maxPayload: number,
  ) {
    this.decoder = new FrameDecoder({ maxPayload });
    conn.writer.onDrained = () => this.drained();
  }

  /** Binds the core's side (what `verdict.open(peer)` returned), then takes `head`: bytes that came after the request. */
  start(connection: WebSocketConnection, head: Uint8Array): void {
    this.connection = connection;
    if (head.length > 0) this.receive(head);
  }

  send(packets: readonly WirePacket[]): boolean {
    if (this.state !== "open") return true; // dropped: `closed()` is on its way to the core
    const writer = this.conn.writer;
    let ok = true;
    for (const packet of packets) ok = writer.write(frameOf(packet), HIGH_WATER);
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

  /** Shutdown: a going-away close for an open connection; either way it is closed after the grace period. */
  shutdown(): void {
    this.close(1001, "");
    this.armGrace();
  }

  /**
   * Whether the client's bytes still mean anything: not once its close frame came or the
   * decoder refused what it sent (then only the end of the connection is awaited).
   */
  get reading(): boolean {
    return this.state !== "closed";
  }

  /** Bytes from the client. */
  receive(chunk: Uint8Array): void {
    for (const event of this.decoder.push(chunk)) {
      switch (event.kind) {
        case "message":
          if (this.state === "open") this.connection?.message(event.data);
          break;
        case "ping":
          if (this.state !== "open") break;
          // A client that pings and never reads must not fill our memory with pongs: only the
          // latest ping is answered, once the connection drains (RFC 6455 §5.5.3 allows it).
          if (this.conn.writer.pending > HIGH_WATER) this.pendingPong = event.data.slice();
          else this.conn.writer.write(encodeFrame(Opcode.pong, event.data));
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

  /** The connection is gone (closed by either side, or reset). */
  gone(): void {
    this.isGone = true;
    this.cancelGrace?.();
    this.cancelGrace = undefined;
    this.state = "closed";
    this.report(this.closeCode, this.closeReason);
  }

  private drained(): void {
    if (this.state !== "open") return;
    const pong = this.pendingPong;
    if (pong !== undefined) {
      this.pendingPong = undefined;
      this.conn.writer.write(encodeFrame(Opcode.pong, pong));
    }
    this.connection?.drained();
  }

  /** The close handshake is over from our side: report it and let the connection go. */
  private finish(code: number, reason: string): void {
    this.state = "closed";
    this.report(code, reason);
    this.armGrace();
  }

  private endWith(frame: Uint8Array): void {
    this.conn.writer.write(frame);
    this.conn.writer.end();
    this.armGrace();
  }

  private armGrace(): void {
    if (this.isGone) return;
    this.cancelGrace ??= startTimer(CLOSE_GRACE_MS, () => this.conn.destroy());
  }

  private report(code: number, reason: string): void {
    if (this.reported) return;
    this.reported = true;
    this.connection?.closed(code, reason);
  }
}

/** The frame for a packet, encoded once per packet: a broadcast shares it across connections. */
function frameOf(packet: WirePacket): Uint8Array {
  const cached = packet.frame;
  if (cached instanceof Uint8Array) return cached;
  const data = packet.data;
  const frame = encodeFrame(typeof data === "string" ? Opcode.text : Opcode.binary, data);
  packet.frame = frame;
  return frame;
}
