// A WebSocket client written by hand over a TCP socket: it can send any bytes at all
// (malformed frames included), stop reading on purpose (its receive window fills and the
// server must cope), and reports the server's close code. Plus the Engine.IO/Socket.IO
// steps on top: the open packet, CONNECT, heartbeats.

import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { tcp } from "./raw-http.js";

export const WS_PATH = "/socket.io/?EIO=4&transport=websocket";

/** A masked client frame (any first byte: FIN, RSV and opcode as the caller wants). */
export function frame(first: number, payload: Uint8Array | string, mask: Uint8Array = randomBytes(4)): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  const n = body.length;
  const head: number[] = [first];
  if (n < 126) head.push(0x80 | n);
  else if (n < 65536) head.push(0xfe, n >> 8, n & 255);
  else head.push(0xff, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  for (let i = 0; i < n; i++) body[i] = body[i]! ^ mask[i % 4]!;
  return Buffer.concat([Buffer.from(head), Buffer.from(mask), body]);
}

export class RawWs {
  /** Text messages (as strings) and binary ones (as Buffers), in order. */
  readonly messages: Array<string | Buffer> = [];
  /** The server's close code (1005 for a close frame without one), once it sent a close frame. */
  closeCode: number | undefined;
  /** The TCP connection ended. */
  ended = false;
  /** Answer Engine.IO pings ("2") with pongs ("3"). */
  heartbeat = true;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {}

  /** Performs the opening handshake; resolves with the client, or rejects with the HTTP status line. */
  static async open(port: number, path = WS_PATH, extraHeaders: Record<string, string> = {}): Promise<RawWs> {
    const socket = await tcp(port);
    socket.on("error", () => {});
    const key = randomBytes(16).toString("base64");
    const headers = {
      Host: `127.0.0.1:${port}`,
      Upgrade: "websocket",
      Connection: "Upgrade",
      "Sec-WebSocket-Key": key,
      "Sec-WebSocket-Version": "13",
      ...extraHeaders,
    };
    socket.write(`GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`);
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error("no handshake answer within 10 s"));
      }, 10_000);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        clearTimeout(timer);
        socket.off("data", onData);
        const statusLine = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
        if (!statusLine.startsWith("HTTP/1.1 101")) {
          socket.destroy();
          reject(new Error(statusLine));
          return;
        }
        const ws = new RawWs(socket);
        socket.on("data", (data: Buffer) => ws.receive(data));
        socket.on("close", () => {
          ws.ended = true;
          ws.wake();
        });
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.receive(rest);
        resolve(ws);
      };
      socket.on("data", onData);
      socket.once("close", () => {
        clearTimeout(timer);
        reject(new Error("closed during the handshake"));
      });
    });
  }

  /**
   * Opens a websocket-only Engine.IO session and joins "/": resolves with the client, the
   * Engine.IO session id and the Socket.IO socket id.
   */
  static async joined(port: number): Promise<{ ws: RawWs; sid: string; socketId: string }> {
    const ws = await RawWs.open(port);
    const open = await ws.next((m) => typeof m === "string" && m.startsWith("0{"), 10_000);
    const sid = (JSON.parse(String(open).slice(1)) as { sid: string }).sid;
    ws.text("40");
    const connected = await ws.next((m) => typeof m === "string" && m.startsWith("40"), 10_000);
    const socketId = (JSON.parse(String(connected).slice(2)) as { sid: string }).sid;
    return { ws, sid, socketId };
  }

  text(data: string): void {
    this.raw(frame(0x81, data));
  }

  binary(data: Uint8Array): void {
    this.raw(frame(0x82, data));
  }

  /** Any bytes at all. */
  raw(bytes: Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    return this.socket.write(bytes);
  }

  /** Stops reading: the kernel's receive buffer fills, then the server's sends back up. */
  stopReading(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves with the first message (already received or to come) that `match` accepts; rejects on timeout or close. */
  next(match: (m: string | Buffer) => boolean, timeoutMs: number, from = 0): Promise<string | Buffer> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = from; i < this.messages.length; i++) {
          const m = this.messages[i]!;
          if (match(m)) {
            finish();
            resolve(m);
            return true;
          }
        }
        if (this.ended || this.closeCode !== undefined) {
          finish();
          reject(new Error(`closed (${this.closeCode ?? "no close frame"}) before the expected message`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no expected message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** Resolves once the server sent a close frame or the connection ended, or after `timeoutMs`: "close N", "ended", "open". */
  ending(timeoutMs: number): Promise<string> {
    return new Promise((resolve) => {
      const verdict = (): string | undefined =>
        this.closeCode !== undefined ? `close ${this.closeCode}` : this.ended ? "ended" : undefined;
      const now = verdict();
      if (now !== undefined) {
        resolve(now);
        return;
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve("open");
      }, timeoutMs);
      const waiter = (): void => {
        const v = verdict();
        if (v === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(v);
      };
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) break;
      let length = b[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + length) break;
      const opcode = b[0]! & 0x0f;
      const payload = b.subarray(at, at + length);
      this.buffer = b.subarray(at + length);
      if (opcode === 0x1) {
        const text = payload.toString("utf8");
        if (this.heartbeat && text === "2") this.text("3");
        this.messages.push(text);
      } else if (opcode === 0x2) {
        this.messages.push(Buffer.from(payload));
      } else if (opcode === 0x8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      }
    }
    this.wake();
  }
}
