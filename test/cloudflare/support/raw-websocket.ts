// A WebSocket client over a bare TCP socket, for what `ws` will not do: send a close code no
// endpoint may send, or never answer the server's close frame. It reads unmasked server
// frames one at a time and answers nothing on its own.
import { connect, type Socket } from "node:net";
import { within } from "../../interop/clients.js";

export interface Frame {
  readonly opcode: number;
  readonly payload: Buffer;
}

export class RawWebSocket {
  private received = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  /** Settles when the server (or the network) ends the TCP connection. */
  readonly ended: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake?.();
    });
    socket.on("error", () => {});
    this.ended = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  /** Connects to `origin` (http://127.0.0.1:port) and completes the handshake for `path`. */
  static async open(origin: string, path: string): Promise<RawWebSocket> {
    const socket = connect(Number(new URL(origin).port), "127.0.0.1");
    const raw = new RawWebSocket(socket);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    await raw.until(() => raw.received.indexOf("\r\n\r\n") >= 0);
    const end = raw.received.indexOf("\r\n\r\n");
    const head = raw.received.subarray(0, end).toString("latin1");
    raw.received = raw.received.subarray(end + 4);
    if (!head.startsWith("HTTP/1.1 101 ")) throw new Error(`no upgrade: ${head.split("\r\n")[0]}`);
    return raw;
  }

  /** The next whole frame from the server (payloads under 64 KiB). */
  async next(): Promise<Frame> {
    await this.until(() => this.received.length >= 2);
    const short = this.received[1]! & 0x7f;
    const start = short === 126 ? 4 : 2;
    await this.until(() => this.received.length >= start);
    const length = short === 126 ? this.received.readUInt16BE(2) : short;
    await this.until(() => this.received.length >= start + length);
    const frame = { opcode: this.received[0]! & 0x0f, payload: this.received.subarray(start, start + length) };
    this.received = this.received.subarray(start + length);
    return frame;
  }

  /** Sends a text frame (masked with a zero key, so the payload goes as is). */
  text(message: string): void {
    this.frame(0x1, Buffer.from(message, "utf8"));
  }

  /** Sends a close frame with `code`. */
  close(code: number): void {
    this.frame(0x8, Buffer.from([code >> 8, code & 0xff]));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private frame(opcode: number, payload: Buffer): void {
    if (payload.length > 125) throw new Error("short frames only");
    this.socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
  }

  private async until(done: () => boolean): Promise<void> {
    while (!done()) {
      await within(
        new Promise<void>((resolve) => (this.wake = resolve)),
        3000,
        "bytes from the server",
      ).finally(() => (this.wake = undefined));
    }
  }
}
