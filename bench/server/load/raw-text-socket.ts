// A minimal WebSocket client on node:net for the load generator: the HTTP upgrade, masked
// text frames out, unmasked frames in (text, fragments, ping, close). It skips what a
// client for real use must check (Sec-WebSocket-Accept, UTF-8 validity, limits) because
// its peers are the servers under test on loopback.
//
// By default the frames a connection sends in one event-loop turn leave in one write
// (when a read brings several acks, the next requests go out together), as a busy
// client's network stack would batch them. That keeps the load generator cheap and lets
// a server read many frames per system call, so its protocol stack rather than the
// kernel dominates its CPU per operation. `--client raw-each` writes every frame at once.

import { randomFillSync } from "node:crypto";
import { connect, type Socket } from "node:net";
import type { TextSocket, TextSocketEvents } from "./text-socket.js";

/** Any 16-byte nonce in base64 is valid; the answer's Sec-WebSocket-Accept is not checked. */
const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

/** Masking keys come from one random pool, refilled when used up. */
const maskPool = Buffer.allocUnsafe(64 * 1024);
let maskOffset = maskPool.length;

function nextMask(target: Buffer, at: number): void {
  if (maskOffset === maskPool.length) {
    randomFillSync(maskPool);
    maskOffset = 0;
  }
  maskPool.copy(target, at, maskOffset, maskOffset + 4);
  maskOffset += 4;
}

/** A masked client frame. */
function clientFrame(opcode: number, payload: string | Buffer): Buffer {
  const length = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  const header = length < 126 ? 6 : length < 65536 ? 8 : 14;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = 0x80 | opcode;
  if (length < 126) {
    out[1] = 0x80 | length;
  } else if (length < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(length, 6);
  }
  nextMask(out, header - 4);
  if (typeof payload === "string") out.write(payload, header, "utf8");
  else payload.copy(out, header);
  const m0 = out[header - 4]!;
  const m1 = out[header - 3]!;
  const m2 = out[header - 2]!;
  const m3 = out[header - 1]!;
  let i = header;
  const end = header + length;
  for (; i + 3 < end; i += 4) {
    out[i] = out[i]! ^ m0;
    out[i + 1] = out[i + 1]! ^ m1;
    out[i + 2] = out[i + 2]! ^ m2;
    out[i + 3] = out[i + 3]! ^ m3;
  }
  for (let k = 0; i < end; i++, k++) out[i] = out[i]! ^ out[header - 4 + k]!;
  return out;
}

const CLOSE_NORMAL = Buffer.from([0x03, 0xe8]);

class RawTextSocket implements TextSocket {
  private readonly socket: Socket;
  private upgraded = false;
  private responseHead = "";
  private leftover: Buffer | undefined = undefined;
  private fragments: Buffer[] | undefined = undefined;
  private done = false;
  private corked = false;

  constructor(
    port: number,
    path: string,
    private readonly events: TextSocketEvents,
    private readonly coalesce: boolean,
  ) {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setNoDelay(true);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      "latin1",
    );
    socket.on("data", (chunk: Buffer) => this.received(chunk));
    socket.on("close", () => this.finish());
    socket.on("error", () => this.finish());
    this.socket = socket;
  }

  send(text: string): void {
    if (this.done) return;
    if (this.coalesce && !this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(clientFrame(0x1, text));
  }

  close(): void {
    if (this.done) return;
    if (this.upgraded) this.socket.write(clientFrame(0x8, CLOSE_NORMAL));
    this.socket.end();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    this.events.closed();
  }

  private received(chunk: Buffer): void {
    if (!this.upgraded) {
      // latin1 keeps one character per byte, so string offsets are byte offsets.
      const before = this.responseHead.length;
      this.responseHead += chunk.toString("latin1");
      const end = this.responseHead.indexOf("\r\n\r\n");
      if (end < 0) return;
      if (!this.responseHead.startsWith("HTTP/1.1 101")) {
        this.finish();
        return;
      }
      this.upgraded = true;
      this.responseHead = "";
      chunk = chunk.subarray(end + 4 - before);
      if (chunk.length === 0) return;
    }
    this.frames(chunk);
  }

  private frames(chunk: Buffer): void {
    const data = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk;
    this.leftover = undefined;
    let offset = 0;
    while (data.length - offset >= 2) {
      const first = data[offset]!;
      const second = data[offset + 1]!;
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = data.readUInt32BE(offset + 6);
        header = 10;
      }
      if (second & 0x80) header += 4; // servers do not mask; tolerate it by skipping the key
      const start = offset + header;
      const end = start + length;
      if (data.length < end) break;
      offset = end;
      const opcode = first & 0x0f;
      const fin = (first & 0x80) !== 0;
      if (opcode === 0x1 && fin) {
        this.events.text(data.toString("utf8", start, end));
      } else if (opcode === 0x1 || opcode === 0x0) {
        (this.fragments ??= []).push(Buffer.from(data.subarray(start, end)));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = undefined;
          this.events.text(whole.toString("utf8"));
        }
      } else if (opcode === 0x8) {
        this.close();
        return;
      } else if (opcode === 0x9) {
        this.socket.write(clientFrame(0xa, Buffer.from(data.subarray(start, end))));
      }
      if (this.done) return;
    }
    if (offset < data.length) this.leftover = Buffer.from(data.subarray(offset));
  }
}

/** Frames sent in one turn of the event loop leave in one write (`cork` until the next tick). */
export function openRawTextSocket(port: number, path: string, events: TextSocketEvents): TextSocket {
  return new RawTextSocket(port, path, events, true);
}

/** One write per frame, as `ws` does. */
export function openRawTextSocketEach(port: number, path: string, events: TextSocketEvents): TextSocket {
  return new RawTextSocket(port, path, events, false);
}
