// An incremental HTTP/1.1 request-head reader (RFC 9112 §2–5), sans I/O: bytes go in as they
// arrive, split anywhere; out comes the parsed head and the bytes after it (a body, or the
// next pipelined request), or the status to refuse it with. It never throws on what a peer
// sends. Strict where leniency lets two parsers disagree: lines end in CRLF, no whitespace
// before a colon, no folded lines, no control characters in a field.

import { type HeadError, type RequestHead, bodyFraming, hasToken, headError, keepsAlive } from "./request-head.js";

export type HeadResult =
  /** More bytes are needed. */
  | { readonly kind: "partial" }
  /** A whole head; `rest` is what followed it in the bytes pushed so far. */
  | { readonly kind: "head"; readonly head: RequestHead; readonly rest: Uint8Array }
  | HeadError;

/** Node's `http.Server` default `maxHeaderSize`: request line and fields together. */
export const DEFAULT_MAX_HEADER_SIZE = 16 * 1024;

const EMPTY = new Uint8Array(0);
const CR = 13;
const LF = 10;

/** `method SP request-target SP HTTP/1.x`: a token, a visible-ASCII target, a version. */
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/;
/** `name: value`, no whitespace before the colon; the value without surrounding whitespace. */
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*$/;

export class HeadReader {
  /**
   * The bytes of an unfinished head, in a buffer that doubles as they come (a head trickled
   * a byte at a time is not copied whole per byte); empty between heads.
   */
  private store: Uint8Array = EMPTY;
  private held = 0;
  /** How far the held bytes were searched for the blank line already. */
  private searched = 0;

  constructor(private readonly maxHeaderSize: number = DEFAULT_MAX_HEADER_SIZE) {}

  /** How many bytes of an unfinished head are held. */
  get buffered(): number {
    return this.held;
  }

  /**
   * Takes the next bytes (and ownership of them: `rest` may be a view). After a `head` or an
   * error the reader is empty again, ready for a new head (for a `head`, push `rest` when
   * the next request may start).
   */
  push(chunk: Uint8Array): HeadResult {
    const bytes = this.held === 0 ? chunk : this.append(chunk);
    // Empty lines before a request line are skipped (RFC 9112 §2.2).
    let start = 0;
    while (start + 1 < bytes.length && bytes[start] === CR && bytes[start + 1] === LF) start += 2;
    const end = findBlankLine(bytes, Math.max(start, this.searched - 3));
    if (end < 0) {
      // Leading empty lines count too: a flood of them is held no longer than a head.
      if (bytes.length > this.maxHeaderSize) return this.reset(headError(431, "request head too large"));
      if (bytes === chunk) this.append(chunk);
      this.searched = bytes.length;
      return { kind: "partial" };
    }
    // `end` is the index just past the blank line's CRLF CRLF.
    if (end > this.maxHeaderSize + 4) return this.reset(headError(431, "request head too large"));
    this.reset(undefined);
    const head = parseHead(latin1(bytes, start, end - 4));
    if (head.kind === "error") return head;
    return { kind: "head", head, rest: bytes.subarray(end) };
  }

  /** Adds `chunk` to the held bytes; returns all of them. */
  private append(chunk: Uint8Array): Uint8Array {
    const size = this.held + chunk.length;
    if (size > this.store.length) {
      const grown = new Uint8Array(Math.max(size, 2 * this.store.length, 1024));
      grown.set(this.store.subarray(0, this.held));
      this.store = grown;
    }
    this.store.set(chunk, this.held);
    this.held = size;
    return this.store.subarray(0, size);
  }

  /** Lets go of the held bytes (a `rest` handed out stays valid: the store is never reused). */
  private reset<T>(result: T): T {
    this.store = EMPTY;
    this.held = 0;
    this.searched = 0;
    return result;
  }
}

/** The index just past the first CRLF CRLF at or after `from`, or -1. */
function findBlankLine(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(CR, from); i >= 0 && i + 3 < bytes.length; i = bytes.indexOf(CR, i + 1)) {
    if (bytes[i + 1] === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return i + 4;
  }
  return -1;
}

/** Bytes as ISO-8859-1, one character per byte, as HTTP fields are defined (RFC 9110 §5.5). */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let text = "";
  for (let i = start; i < end; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 4096)));
  }
  return text;
}

/** A head's text (without its blank line) as a `RequestHead`, or why it is refused. */
function parseHead(text: string): (RequestHead & { kind: "head" }) | HeadError {
  const lines = text.split("\r\n");
  const line = REQUEST_LINE.exec(lines[0] ?? "");
  if (line === null) return headError(400, "invalid request line");
  const [, method = "", target = "", major, minor] = line;
  if (major !== "1" || (minor !== "0" && minor !== "1")) return headError(505, "unsupported HTTP version");
  const minorVersion = minor === "1" ? 1 : 0;
  // No prototype: a field named `__proto__` or `constructor` is just a field.
  const headers = Object.create(null) as Record<string, string>;
  for (let i = 1; i < lines.length; i++) {
    const field = FIELD_LINE.exec(lines[i]!);
    if (field === null) return headError(400, "invalid header field");
    const name = field[1]!.toLowerCase();
    const value = field[2]!;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : previous + (name === "cookie" ? "; " : ", ") + value;
  }
  if (minorVersion === 1 && headers["host"] === undefined) return headError(400, "missing Host header");
  const body = bodyFraming(headers, minorVersion);
  if (body.kind === "error") return body;
  return {
    kind: "head",
    method,
    target,
    minorVersion,
    headers,
    body,
    keepAlive: keepsAlive(headers, minorVersion),
    expectContinue: hasToken(headers["expect"], "100-continue"),
    // As Node's parser (llhttp) has it: an `Upgrade` field named in `Connection`.
    upgrade: headers["upgrade"] !== undefined && hasToken(headers["connection"], "upgrade"),
  };
}
