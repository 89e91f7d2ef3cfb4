// One upgraded socket as the core sees it: frames the core's packets out, decodes the
// client's frames in, answers pings, and runs the closing handshake. Every protocol
// decision about what the messages mean stays in the core.

import type { Duplex } from "node:stream";
import type { WebSocketConnection, WebSocketPeer, WirePacket } from "../../src/engine/contract.js";
import { FrameDecoder, Opcode, encodeClose, encodeFrame, utf8Length } from "./websocket/index.js";

/** How long a socket we closed may linger before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

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

  constructor(
    private readonly socket: Duplex,
    maxPayload: number,
    private readonly onGone: (peer: NodeWebSocketPeer) => void,
  ) {
    this.decoder = new FrameDecoder({ maxPayload });
  }

  /** Binds the core's side (what `verdict.open(peer)` returned), then starts reading, `head` first. */
  start(connection: WebSocketConnection, head: Uint8Array): void {
    this.connection = connection;
    const socket = this.socket;
    socket.on("close", () => this.onSocketClose());
    socket.on("error", () => socket.destroy());
    // The client half-closed without a close frame (or after it): finish our side too.
    socket.on("end", () => socket.end());
    socket.on("drain", () => {
      if (this.state === "open") this.connection?.drained();
    });
    if (socket.destroyed) {
      this.onSocketClose();
      return;
    }
    if (head.length > 0) this.receive(head);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
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

  private receive(chunk: Uint8Array): void {
    for (const event of this.decoder.push(chunk)) {
      switch (event.kind) {
        case "message":
          if (this.state === "open") this.connection?.message(asNodeBytes(event.data));
          break;
        case "ping":
          if (this.state === "open") this.socket.write(encodeFrame(Opcode.pong, event.data));
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

  private onSocketClose(): void {
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
