// Clients for the Node shim tests: the real `ws` client with its events turned into
// promises, and a raw TCP client that performs the handshake by hand and reads server frames
// with a parser of its own (independent of the code under test).

import { connect } from "node:net";
import type { Socket } from "node:net";
import WebSocket from "ws";

/** Waits for a condition that events will make true, bounded in time. */
export function eventually<T>(promise: Promise<T>, ms = 5000, what = "event"): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export interface WsMessage {
  readonly data: string | Buffer;
}

/** A `ws` client whose messages can be awaited one by one. */
export class WsClient {
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private readonly inbox: WsMessage[] = [];
  private readonly waiting: Array<(m: WsMessage) => void> = [];

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on("error", () => {});
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on("message", (data, isBinary) => {
      const message = { data: isBinary ? Buffer.from(data as Buffer) : (data as Buffer).toString() };
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(message);
      else this.inbox.push(message);
    });
  }

  next(what = "a message"): Promise<string | Buffer> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued.data);
    return eventually(new Promise<WsMessage>((resolve) => this.waiting.push(resolve)), 5000, what).then((m) => m.data);
  }
}

/** One server frame as an independent parser reads it. */
export interface ServerFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** A TCP client that upgrades by hand and then reads raw server frames. */
export class RawClient {
  readonly socket: Socket;
  /** Resolves with the HTTP response head (status line and headers). */
  readonly head: Promise<string>;
  readonly ended: Promise<void>;
  private buffer = Buffer.alloc(0);
  private headDone = false;
  private switched = false;
  private resolveHead!: (head: string) => void;
  private readonly frames: ServerFrame[] = [];
  private readonly waiting: Array<(f: ServerFrame) => void> = [];

  /** `halfOpen`: our FIN does not end this side, like a client that never answers a close. */
  constructor(port: number, request: string | Buffer, halfOpen = false) {
    this.socket = connect({ port, host: "127.0.0.1", allowHalfOpen: halfOpen });
    this.socket.on("error", () => {});
    this.head = new Promise((resolve) => (this.resolveHead = resolve));
    this.ended = new Promise((resolve) => this.socket.once("close", () => resolve()));
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.write(request);
  }

  /** The body bytes after the head, for a non-101 answer. */
  get rest(): Buffer {
    return this.buffer;
  }

  frame(what = "a frame"): Promise<ServerFrame> {
    const queued = this.frames.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return eventually(new Promise<ServerFrame>((resolve) => this.waiting.push(resolve)), 5000, what);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.headDone) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.headDone = true;
      const head = this.buffer.subarray(0, end).toString("latin1");
      this.switched = head.startsWith("HTTP/1.1 101 ");
      this.resolveHead(head);
      this.buffer = this.buffer.subarray(end + 4);
    }
    if (!this.switched) return; // an HTTP answer: the rest is its body
    for (;;) {
      const frame = this.parse();
      if (frame === undefined) return;
      const waiter = this.waiting.shift();
      if (waiter !== undefined) waiter(frame);
      else this.frames.push(frame);
    }
  }

  private parse(): ServerFrame | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    let length = b[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      at = 10;
    }
    if (b.length < at + length) return undefined;
    const frame = { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: Buffer.from(b.subarray(at, at + length)) };
    this.buffer = b.subarray(at + length);
    return frame;
  }
}

/** The request line and headers of a valid version-13 upgrade. */
export function upgradeRequest(path: string, extra = ""): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

/** A masked client frame (mask 37 fa 21 3d), written out plainly. */
export function maskedFrame(firstByte: number, payload: Buffer): Buffer {
  const mask = [0x37, 0xfa, 0x21, 0x3d];
  const n = payload.length;
  const head = n < 126 ? [firstByte, 0x80 | n] : [firstByte, 0xfe, n >> 8, n & 255];
  return Buffer.concat([Buffer.from(head), Buffer.from(mask), Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]);
}
