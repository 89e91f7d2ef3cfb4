// What every shim that frames WebSockets itself (Node, and Deno's `serve()`) does the same
// way for one upgraded connection: frame the core's packets out, decode the client's frames
// in, answer pings, and run the closing handshake. A subclass owns the byte stream: how a
// frame is written, whether the stream is backed up, how it is half-closed and torn down.
// Every decision about what the messages mean stays in the core.

import type { WebSocketConnection, WebSocketPeer, WirePacket } from "../../../src/engine/contract.js";
import { FrameDecoder } from "./decoder.js";
import { encodeClose, encodeFrame, utf8Length } from "./encoder.js";
import { Opcode } from "./protocol.js";

/**
 * open: messages flow.
 * closing: we sent a close frame (the core asked); waiting for the connection to go.
 * closed: the close handshake is over or the connection is gone; `closed()` was reported.
 */
type PeerState = "open" | "closing" | "closed";

export abstract class FramedWebSocketPeer implements WebSocketPeer {
  private state: PeerState = "open";
  protected connection: WebSocketConnection | undefined;
  private readonly decoder: FrameDecoder;
  /** What to report when the connection goes: 1006 unless a close was sent or received. */
  private closeCode = 1006;
  private closeReason = "";
  private reported = false;
  /** The latest ping's payload, while the stream is too backed up to take its pong (see `receive`). */
  private pendingPong: Uint8Array | undefined = undefined;

  constructor(maxPayload: number) {
    this.decoder = new FrameDecoder({ maxPayload });
  }

  /** Writes one frame; false once the stream is past its high-water mark. */
  protected abstract write(frame: Uint8Array): boolean;
  /** True while written bytes wait for the client to read them. */
  protected abstract get backedUp(): boolean;
  /** Writes the last frame, half-closes the stream, and starts the grace period. */
  protected abstract endWith(frame: Uint8Array): void;
  /** Tears the stream down once the grace period passes, unless it goes first. */
  protected abstract armGrace(): void;

  /** A message for the core; a shim may hand binary over in its runtime's own type. */
  protected deliver(data: string | Uint8Array): void {
    this.connection?.message(data);
  }

  send(packets: readonly WirePacket[]): boolean {
    if (this.state !== "open") return true; // dropped: `closed()` is on its way to the core
    let ok = true;
    for (const packet of packets) ok = this.write(frameOf(packet));
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

  /** Shutdown: a going-away close for an open connection; either way it is torn down after the grace period. */
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

  /** @internal The stream has room again. */
  drained(): void {
    if (this.state !== "open") return;
    const pong = this.pendingPong;
    if (pong !== undefined) {
      this.pendingPong = undefined;
      this.write(encodeFrame(Opcode.pong, pong));
    }
    this.connection?.drained();
  }

  /** @internal Bytes from the client. */
  receive(chunk: Uint8Array): void {
    for (const event of this.decoder.push(chunk)) {
      switch (event.kind) {
        case "message":
          if (this.state === "open") this.deliver(event.data);
          break;
        case "ping":
          if (this.state !== "open") break;
          // A client that pings and never reads must not fill our memory with pongs. RFC 6455
          // §5.5.3 lets us answer only the latest ping: it goes out once the stream drains.
          if (this.backedUp) this.pendingPong = event.data.slice();
          else this.write(encodeFrame(Opcode.pong, event.data));
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

  /** The stream is gone (closed by either side, or reset): the core hears how it ended. */
  protected lost(): void {
    this.state = "closed";
    this.report(this.closeCode, this.closeReason);
  }

  /** The close handshake is over from our side: report it and let the stream go. */
  private finish(code: number, reason: string): void {
    this.state = "closed";
    this.report(code, reason);
    this.armGrace();
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
