// The server side of RFC 6455 framing, sans I/O: bytes from the client go in through
// `push`, protocol events come out. It never throws on what the peer sends: every breach
// becomes one `error` event carrying the close code to answer with, after which the
// decoder is finished and ignores further bytes (as it does after a close frame).
//
// Rules enforced (no extension is ever negotiated, so the RSV bits must be clear):
//   - every client frame is masked (§5.1)                           → 1002
//   - opcodes 0x3–0x7 and 0xB–0xF are reserved                      → 1002
//   - control frames: FIN set, payload ≤ 125, close payload ≠ 1 byte → 1002
//   - a continuation needs an open fragmented message; a new text or
//     binary frame may not start while one is open (§5.4)           → 1002
//   - a message (the sum of its fragments) over `maxPayload` is refused from the
//     frame header, before any of its bytes are buffered           → 1009
//   - a 64-bit length with the top bit set                          → 1002, above 2^53 → 1009
//   - more than `maxFragments` fragments in one message             → 1008
//   - text and close reasons must be valid UTF-8                    → 1007
//   - close codes: 1000–1003, 1007–1011, 3000–4999                   → else 1002
//
// States: header (2 bytes) → length16 (2) | length64 (8) → mask (4) → payload (n) → header.
// A field split across pushes is gathered in a small scratch buffer; a payload that lies
// whole inside one chunk is unmasked in place and handed out as a view (no copy), one that
// spans chunks is gathered into a single allocation of its exact length. Messages are
// assembled from data frames by `MessageAssembler` (message.ts).

import { closeEvent, fail } from "./frame-events.js";
import type { FrameEvent } from "./frame-events.js";
import { MessageAssembler } from "./message.js";
import { CloseCode, MAX_CONTROL_PAYLOAD, Opcode, unmaskInPlace } from "./protocol.js";

export interface FrameDecoderOptions {
  /** Largest message in bytes (a single frame, or all fragments of one message together). */
  readonly maxPayload: number;
  /** Most frames one fragmented message may span; bounds a flood of tiny fragments. Default 1024. */
  readonly maxFragments?: number;
}

type State = "header" | "length16" | "length64" | "mask" | "payload" | "finished";

const NO_EVENTS: readonly FrameEvent[] = Object.freeze([]);
const EMPTY = new Uint8Array(0);

export class FrameDecoder {
  private state: State = "header";
  private readonly messages: MessageAssembler;

  // Where the current fixed-size field is read from (the chunk itself, or `scratch`).
  private readonly scratch = new Uint8Array(8);
  private held = 0;
  private fieldBytes: Uint8Array = EMPTY;
  private fieldAt = 0;

  // The frame being read.
  private fin = false;
  private opcode = 0;
  private length = 0;
  private readonly mask = new Uint8Array(4);
  /** Allocated only when a payload spans pushes. */
  private gathered: Uint8Array | undefined;
  private filled = 0;

  constructor(options: FrameDecoderOptions) {
    const { maxPayload, maxFragments = 1024 } = options;
    if (!Number.isSafeInteger(maxPayload) || maxPayload < 0) {
      throw new RangeError(`maxPayload must be a non-negative safe integer, got ${maxPayload}`);
    }
    if (!Number.isSafeInteger(maxFragments) || maxFragments < 1) {
      throw new RangeError(`maxFragments must be a positive integer, got ${maxFragments}`);
    }
    this.messages = new MessageAssembler(maxPayload, maxFragments);
  }

  /** True once a close frame or an error ended the stream; later pushes are ignored. */
  get finished(): boolean {
    return this.state === "finished";
  }

  /**
   * Feeds bytes from the client and returns the events they complete (often none). Takes
   * ownership of `chunk`: payload bytes are unmasked in place and messages may be views of it.
   */
  push(chunk: Uint8Array): readonly FrameEvent[] {
    let events: FrameEvent[] | undefined;
    let pos = 0;
    while (this.state !== "finished") {
      let event: FrameEvent | undefined;
      if (this.state === "payload") {
        const available = chunk.length - pos;
        if (this.gathered === undefined && available >= this.length) {
          // The whole payload is here: unmask it where it lies.
          unmaskInPlace(chunk, pos, this.length, this.mask, 0);
          // A text payload only needs a plain view for decoding; binary keeps the chunk's
          // own type (a Buffer on Node) through `subarray`.
          const view =
            this.opcode === Opcode.text
              ? new Uint8Array(chunk.buffer, chunk.byteOffset + pos, this.length)
              : chunk.subarray(pos, pos + this.length);
          pos += this.length;
          event = this.completeFrame(view);
        } else {
          if (available === 0) break;
          const target = (this.gathered ??= new Uint8Array(this.length));
          const n = Math.min(this.length - this.filled, available);
          target.set(chunk.subarray(pos, pos + n), this.filled);
          unmaskInPlace(target, this.filled, n, this.mask, this.filled);
          this.filled += n;
          pos += n;
          if (this.filled < this.length) break;
          this.gathered = undefined;
          this.filled = 0;
          event = this.completeFrame(target);
        }
      } else {
        const need = this.state === "header" || this.state === "length16" ? 2 : this.state === "length64" ? 8 : 4;
        const next = this.readField(chunk, pos, need);
        if (next < 0) break;
        pos = next;
        event = this.onField();
      }
      if (event !== undefined) {
        (events ??= []).push(event);
        if (event.kind === "close" || event.kind === "error") this.finish();
      }
    }
    return events ?? NO_EVENTS;
  }

  /**
   * Makes `need` bytes available at `fieldBytes[fieldAt]`, straight from `chunk` when they
   * are all there, else through `scratch`. Returns the new position, or -1 when short.
   */
  private readField(chunk: Uint8Array, pos: number, need: number): number {
    const available = chunk.length - pos;
    if (this.held === 0 && available >= need) {
      this.fieldBytes = chunk;
      this.fieldAt = pos;
      return pos + need;
    }
    const n = Math.min(need - this.held, available);
    this.scratch.set(chunk.subarray(pos, pos + n), this.held);
    this.held += n;
    if (this.held < need) return -1;
    this.held = 0;
    this.fieldBytes = this.scratch;
    this.fieldAt = 0;
    return pos + n;
  }

  /** Consumes the field just read; returns an event when the field completes a frame or fails. */
  private onField(): FrameEvent | undefined {
    const b = this.fieldBytes;
    const at = this.fieldAt;
    switch (this.state) {
      case "header":
        return this.onHeader(b[at] ?? 0, b[at + 1] ?? 0);
      case "length16":
        this.length = ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
        return this.onLength();
      case "length64": {
        const high = (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
        const low = (((b[at + 4] ?? 0) << 24) | ((b[at + 5] ?? 0) << 16) | ((b[at + 6] ?? 0) << 8) | (b[at + 7] ?? 0)) >>> 0;
        if (high >= 0x80000000) return fail(CloseCode.protocolError, "invalid length");
        // Above 2^53 - 1 a JS number cannot hold it: far beyond any maxPayload anyway.
        if (high > 0x1fffff) return fail(CloseCode.messageTooBig, "message too big");
        this.length = high * 0x100000000 + low;
        return this.onLength();
      }
      case "mask":
        this.mask[0] = b[at] ?? 0;
        this.mask[1] = b[at + 1] ?? 0;
        this.mask[2] = b[at + 2] ?? 0;
        this.mask[3] = b[at + 3] ?? 0;
        if (this.length > 0) {
          this.state = "payload";
          return undefined;
        }
        return this.completeFrame(EMPTY);
      default:
        return undefined;
    }
  }

  private onHeader(b0: number, b1: number): FrameEvent | undefined {
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const length = b1 & 0x7f;
    if ((b0 & 0x70) !== 0) return fail(CloseCode.protocolError, "reserved bits set");
    if (opcode >= Opcode.close) {
      if (opcode > Opcode.pong) return fail(CloseCode.protocolError, "reserved opcode");
      if (!fin) return fail(CloseCode.protocolError, "fragmented control frame");
      if (length > MAX_CONTROL_PAYLOAD) return fail(CloseCode.protocolError, "control frame too long");
      if (opcode === Opcode.close && length === 1) return fail(CloseCode.protocolError, "invalid close payload");
    } else if (opcode > Opcode.binary) {
      return fail(CloseCode.protocolError, "reserved opcode");
    }
    if ((b1 & 0x80) === 0) return fail(CloseCode.protocolError, "frame not masked");
    this.fin = fin;
    this.opcode = opcode;
    this.length = length;
    if (length === 126) this.state = "length16";
    else if (length === 127) this.state = "length64";
    else return this.onLength();
    return undefined;
  }

  /** The frame's length is known: a data frame is checked against the message before its bytes are read. */
  private onLength(): FrameEvent | undefined {
    if (this.opcode < Opcode.close) {
      const refused = this.messages.admit(this.opcode, this.fin, this.length);
      if (refused !== undefined) return refused;
    }
    this.state = "mask";
    return undefined;
  }

  /** A whole frame's unmasked payload is in `data`. */
  private completeFrame(data: Uint8Array): FrameEvent | undefined {
    this.state = "header";
    switch (this.opcode) {
      case Opcode.ping:
        return { kind: "ping", data };
      case Opcode.pong:
        return { kind: "pong", data };
      case Opcode.close:
        return closeEvent(data);
      default:
        return this.messages.add(this.opcode, this.fin, data);
    }
  }

  private finish(): void {
    this.state = "finished";
    this.messages.discard();
    this.gathered = undefined;
    this.fieldBytes = EMPTY;
  }
}
