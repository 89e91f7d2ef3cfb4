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
// A payload that lies whole inside one chunk is unmasked in place and handed out as a view
// (no copy); one that spans chunks is gathered into a buffer that grows with what arrived
// and ends at the payload's exact length.
// Messages are assembled from data frames by `MessageAssembler` (message.ts).
//
// Memory: every open WebSocket holds one decoder for its whole life, mostly idle. So it holds
// no buffer of its own while idle: the fixed-size fields (header, length, mask) are gathered
// byte by byte into numbers, split across pushes or not, the mask stays a number, no chunk is
// kept once pushed, and the assembler for fragmented messages exists only while one is open.

import { closeEvent, fail, strictUtf8 } from "./frame-events.js";
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
/** First size of a buffer gathering a payload that spans pushes (see `room`). */
const GATHER_START = 16 * 1024;

export class FrameDecoder {
  private state: State = "header";
  private readonly maxPayload: number;
  private readonly maxFragments: number;
  /** The fragmented message being assembled, while there is one. */
  private messages: MessageAssembler | undefined = undefined;

  // The fixed-size field being read: how many of its bytes came so far, and their value in
  // 16-bit pieces, big-endian (`f0` is bytes 0–1, … `f3` bytes 6–7). 16 bits, so that they
  // always stay small integers: a field holding a full 32-bit value would be boxed in a heap
  // number per decoder. The mask field's `f0`/`f1` stay untouched through its payload.
  private held = 0;
  private f0 = 0;
  private f1 = 0;
  private f2 = 0;
  private f3 = 0;

  // The frame being read.
  private fin = false;
  private opcode = 0;
  private length = 0;
  /** Allocated only when a payload spans pushes. */
  private gathered: Uint8Array | undefined = undefined;
  private filled = 0;

  constructor(options: FrameDecoderOptions) {
    const { maxPayload, maxFragments = 1024 } = options;
    if (!Number.isSafeInteger(maxPayload) || maxPayload < 0) {
      throw new RangeError(`maxPayload must be a non-negative safe integer, got ${maxPayload}`);
    }
    if (!Number.isSafeInteger(maxFragments) || maxFragments < 1) {
      throw new RangeError(`maxFragments must be a positive integer, got ${maxFragments}`);
    }
    this.maxPayload = maxPayload;
    this.maxFragments = maxFragments;
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
          unmaskInPlace(chunk, pos, this.length, this.mask(), 0);
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
          const n = Math.min(this.length - this.filled, available);
          const target = this.room(this.filled + n);
          target.set(chunk.subarray(pos, pos + n), this.filled);
          unmaskInPlace(target, this.filled, n, this.mask(), this.filled);
          this.filled += n;
          pos += n;
          if (this.filled < this.length) break;
          this.gathered = undefined;
          this.filled = 0;
          event = this.completeFrame(target);
        }
      } else {
        const next = this.readField(chunk, pos);
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
   * The buffer gathering a payload that spans pushes, with room for `needed` bytes. It grows
   * with what arrived (doubling, up to the frame's length) rather than being allocated at the
   * length the header claims: a client that announces a large frame and sends a byte pins a
   * few kilobytes, not `maxPayload`. Once complete it is exactly the payload.
   */
  private room(needed: number): Uint8Array {
    const gathered = this.gathered;
    if (gathered !== undefined && gathered.length >= needed) return gathered;
    const size = Math.min(this.length, Math.max(needed, 2 * (gathered?.length ?? 0), GATHER_START));
    const grown = new Uint8Array(size);
    if (gathered !== undefined) grown.set(gathered.subarray(0, this.filled));
    this.gathered = grown;
    return grown;
  }

  /** The current frame's masking key: its four bytes big-endian in one (int32) number. */
  private mask(): number {
    return (this.f0 << 16) | this.f1;
  }

  /**
   * Gathers the current state's field (2, 4 or 8 bytes) into `f0`…`f3`, wherever its bytes
   * fall. Returns the new position, or -1 when the chunk ran out first.
   */
  private readField(chunk: Uint8Array, pos: number): number {
    const state = this.state;
    const need = state === "header" || state === "length16" ? 2 : state === "length64" ? 8 : 4;
    let held = this.held;
    if (held === 0) {
      this.f0 = 0;
      this.f1 = 0;
      this.f2 = 0;
      this.f3 = 0;
    }
    const end = chunk.length;
    while (held < need) {
      if (pos >= end) {
        this.held = held;
        return -1;
      }
      const byte = chunk[pos++]!;
      switch (held >> 1) {
        case 0:
          this.f0 = (this.f0 << 8) | byte;
          break;
        case 1:
          this.f1 = (this.f1 << 8) | byte;
          break;
        case 2:
          this.f2 = (this.f2 << 8) | byte;
          break;
        default:
          this.f3 = (this.f3 << 8) | byte;
      }
      held++;
    }
    this.held = 0;
    return pos;
  }

  /** Consumes the field just read; returns an event when the field completes a frame or fails. */
  private onField(): FrameEvent | undefined {
    switch (this.state) {
      case "header":
        return this.onHeader(this.f0 >>> 8, this.f0 & 0xff);
      case "length16":
        this.length = this.f0;
        return this.onLength();
      case "length64": {
        const high = this.f0 * 0x10000 + this.f1;
        if (high >= 0x80000000) return fail(CloseCode.protocolError, "invalid length");
        // Above 2^53 - 1 a JS number cannot hold it: far beyond any maxPayload anyway.
        if (high > 0x1fffff) return fail(CloseCode.messageTooBig, "message too big");
        this.length = high * 0x100000000 + this.f2 * 0x10000 + this.f3;
        return this.onLength();
      }
      case "mask":
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
    const opcode = this.opcode;
    if (opcode < Opcode.close) {
      const messages = this.messages;
      if (messages !== undefined) {
        const refused = messages.admit(opcode, this.fin, this.length);
        if (refused !== undefined) return refused;
      } else if (opcode === Opcode.continuation) {
        return fail(CloseCode.protocolError, "continuation without a message");
      } else if (this.length > this.maxPayload) {
        return fail(CloseCode.messageTooBig, "message too big");
      } else if (!this.fin) {
        // A fragmented message starts: from here its fragments are counted and summed.
        const assembler = new MessageAssembler(this.maxPayload, this.maxFragments);
        const refused = assembler.admit(opcode, false, this.length);
        if (refused !== undefined) return refused;
        this.messages = assembler;
      }
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
      default: {
        const messages = this.messages;
        if (messages === undefined) return wholeMessage(this.opcode, data);
        const event = messages.add(this.opcode, this.fin, data);
        if (this.fin) this.messages = undefined; // the message is complete (or failed)
        return event;
      }
    }
  }

  private finish(): void {
    this.state = "finished";
    this.messages?.discard();
    this.messages = undefined;
    this.gathered = undefined;
  }
}

/** An unfragmented message: no state to keep, no copy. */
function wholeMessage(opcode: number, data: Uint8Array): FrameEvent {
  if (opcode === Opcode.binary) return { kind: "message", data };
  try {
    return { kind: "message", data: strictUtf8.decode(data) };
  } catch {
    return fail(CloseCode.invalidPayload, "invalid UTF-8");
  }
}
