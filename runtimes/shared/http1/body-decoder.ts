// A request body as it arrives (RFC 9112 §6–7), sans I/O: bytes go in as they come, split
// anywhere; the decoder says how many of them belong to the body (the rest is the next
// request) and keeps the body's bytes up to a cap. Past the cap it keeps counting and
// discarding, so the end of the body is still found, and holds nothing more. A chunked body
// that breaks the syntax is an error (the connection must close), never an exception.

import { concatBytes } from "../bytes.js";
import type { BodyFraming } from "./request-head.js";

export type BodyState =
  /** More of the body is to come. */
  | "reading"
  /** The body ended; `take()` gives it (unless it went over the cap). */
  | "done"
  /** A malformed chunked body: answer 400 and close. */
  | "error";

/** A chunk-size line (hex digits and any extensions) longer than this is refused. */
const MAX_SIZE_LINE = 1024;
/** Trailer fields after a chunked body, all together, are bounded by this. */
const MAX_TRAILERS = 8 * 1024;
const CR = 13;
const LF = 10;

type ChunkedStep =
  /** Reading a chunk-size line, up to its LF. */
  | "size"
  /** Reading a chunk's data (`left` bytes to go). */
  | "data"
  /** The CRLF after a chunk's data (`left` bytes of it to go). */
  | "data-end"
  /** Trailer lines after the last chunk, up to an empty line. */
  | "trailers";

export class BodyDecoder {
  private state: BodyState = "reading";
  /** Body bytes received so far (past the cap too). */
  private received = 0;
  private chunks: Uint8Array[] = [];
  private kept = 0;
  // Chunked bodies only.
  private step: ChunkedStep = "size";
  private left = 0;
  private line = "";
  private lineBytes = 0;
  private trailerBytes = 0;
  /** The last byte of a line read so far (to see its CR when the LF comes in the next push). */
  private lastByte: number | undefined = undefined;

  constructor(
    private readonly framing: Exclude<BodyFraming, { kind: "none" }>,
    /** Bytes kept at most; past it the body is counted, not kept. */
    private readonly cap: number,
  ) {
    if (framing.kind === "length") this.left = framing.length;
  }

  get status(): BodyState {
    return this.state;
  }

  /** Whether more body bytes arrived than the cap allows. */
  get over(): boolean {
    return this.received > this.cap;
  }

  /** Whether nothing of the body has arrived yet. */
  get untouched(): boolean {
    return this.received === 0 && (this.framing.kind === "length" || (this.step === "size" && this.lineBytes === 0));
  }

  /**
   * Takes bytes from the connection; returns how many belong to the body (all of them while
   * it is `reading`). Takes ownership of `bytes`: kept pieces are views of it.
   */
  push(bytes: Uint8Array): number {
    if (this.state !== "reading") return 0;
    return this.framing.kind === "length" ? this.pushLength(bytes) : this.pushChunked(bytes);
  }

  /** The whole body once `done` and within the cap (one buffer); releases it. */
  take(): Uint8Array | undefined {
    if (this.state !== "done" || this.over) return undefined;
    const chunks = this.chunks;
    this.chunks = [];
    return concatBytes(chunks, this.kept);
  }

  private pushLength(bytes: Uint8Array): number {
    const n = Math.min(this.left, bytes.length);
    this.keep(bytes.subarray(0, n));
    this.left -= n;
    if (this.left === 0) this.state = "done";
    return n;
  }

  private keep(data: Uint8Array): void {
    if (data.length === 0) return;
    this.received += data.length;
    if (this.received > this.cap) {
      this.chunks = []; // refused: hold nothing from here on
      return;
    }
    this.chunks.push(data);
    this.kept += data.length;
  }

  private pushChunked(bytes: Uint8Array): number {
    let i = 0;
    while (i < bytes.length && this.state === "reading") {
      switch (this.step) {
        case "data": {
          const n = Math.min(this.left, bytes.length - i);
          this.keep(bytes.subarray(i, i + n));
          i += n;
          this.left -= n;
          if (this.left === 0) {
            this.step = "data-end";
            this.left = 2;
          }
          break;
        }
        case "data-end": {
          const expected = this.left === 2 ? CR : LF;
          if (bytes[i++] !== expected) return this.failAt(i);
          if (--this.left === 0) this.step = "size";
          break;
        }
        case "size":
        case "trailers": {
          const lf = bytes.indexOf(LF, i);
          const end = lf < 0 ? bytes.length : lf + 1;
          this.lineBytes += end - i;
          if (this.step === "size" ? this.lineBytes > MAX_SIZE_LINE : (this.trailerBytes += end - i) > MAX_TRAILERS) {
            return this.failAt(end);
          }
          if (this.step === "size") for (let j = i; j < end; j++) this.line += String.fromCharCode(bytes[j]!);
          // The byte before the LF may have come in an earlier push.
          const beforeLf = lf > i ? bytes[lf - 1] : this.lastByte;
          if (end > i) this.lastByte = bytes[end - 1]!;
          i = end;
          if (lf >= 0) this.lineEnded(beforeLf === CR);
          break;
        }
      }
    }
    return i;
  }

  /** A size or trailer line ended at its LF (`crlf`: it ended in CRLF, as it must). */
  private lineEnded(crlf: boolean): void {
    const line = this.line;
    const empty = this.lineBytes === 2;
    this.line = "";
    this.lineBytes = 0;
    if (!crlf) {
      this.state = "error";
      return;
    }
    if (this.step === "trailers") {
      if (empty) this.state = "done";
      return;
    }
    // chunk-size [ ; extensions ] CRLF; extensions are ignored (RFC 9112 §7.1.1).
    const match = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;[^\r\n]*)?\r\n$/.exec(line);
    if (match === null) {
      this.state = "error";
      return;
    }
    const size = parseInt(match[1]!, 16);
    if (size === 0) {
      this.step = "trailers";
      return;
    }
    this.step = "data";
    this.left = size;
  }

  private failAt(consumed: number): number {
    this.state = "error";
    return consumed;
  }
}
