// Wire frames → Socket.IO v5 packets, one Engine.IO message at a time.
//
// A text frame is parsed at once. When it is a BINARY_EVENT/BINARY_ACK the decoder keeps it
// and answers `undefined` until all its attachments have arrived as binary frames; then it
// returns the packet as EVENT/ACK with the attachments back in its data (as socket.io-parser
// does). Every check socket.io-parser makes is made here, some a little stricter (digits
// only where it takes anything Number() accepts, ack ids bounded to safe integers, every
// attachment used); whatever fails throws DecodeError and leaves the decoder empty, ready
// for the next packet (the caller normally closes the connection instead).
//
// Parsing reads the header with charCodeAt and hands the rest of the string to JSON.parse
// as one slice: no other intermediate strings.

import { insertAttachments } from "./reconstruct.js";
import { DecodeError } from "./errors.js";
import { checkPayload, PacketType } from "./socket-packet.js";
import type { Packet } from "./socket-packet.js";

/** Options of a {@link Decoder}. */
export interface DecoderOptions {
  /** Most attachments one binary packet may announce; more is refused at once. Default 10. */
  maxAttachments?: number;
}

const CODE_0 = 48;
const CODE_9 = 57;
const DASH = 45;
const SLASH = 47;
const COMMA = 44;

/** Decodes the frames of one connection; holds a binary packet while its attachments arrive. */
export class Decoder {
  readonly #maxAttachments: number;
  /** The binary packet waiting for attachments, if any. */
  #pending: Packet | undefined;
  /** Its attachments so far (one array per decoder, emptied after each packet). */
  readonly #attachments: Uint8Array[] = [];
  #due = 0;

  constructor(options: DecoderOptions = {}) {
    const max = options.maxAttachments ?? 10;
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`maxAttachments must be an integer >= 0, got ${max}`);
    this.#maxAttachments = max;
  }

  /** How many attachments the pending binary packet still waits for (0 when none). */
  get attachmentsDue(): number {
    return this.#due;
  }

  /**
   * Feeds one Engine.IO message. Returns the packet once complete, `undefined` while a
   * binary packet still waits for attachments. Throws DecodeError for anything invalid.
   * Attachments are kept as given, not copied.
   */
  add(chunk: string | Uint8Array): Packet | undefined {
    if (typeof chunk === "string") return this.addText(chunk, 0);
    if (!(chunk instanceof Uint8Array)) throw new TypeError("Decoder.add takes a string or a Uint8Array");
    const pending = this.#pending;
    if (pending === undefined) throw new DecodeError("unexpected binary");
    const attachments = this.#attachments;
    attachments.push(chunk);
    if (--this.#due > 0) return undefined;
    this.#pending = undefined;
    try {
      return complete(pending, attachments);
    } finally {
      clear(attachments); // the reconstruction keeps no reference to the array itself
    }
  }

  /**
   * Feeds one text message that `text` holds from `start` to its end: the same as
   * `add(text.slice(start))`, without cutting the message out first (an Engine.IO packet's
   * data after its type digit, say).
   */
  addText(text: string, start: number): Packet | undefined {
    if (this.#pending !== undefined) {
      this.reset();
      throw new DecodeError("unexpected text");
    }
    const packet = decodeText(text, start, this.#maxAttachments);
    if (announced === 0) return packet;
    this.#pending = packet;
    this.#due = announced;
    return undefined;
  }

  /** Drops a binary packet that is waiting for attachments. */
  reset(): void {
    this.#pending = undefined;
    clear(this.#attachments);
    this.#due = 0;
  }

  /** Same as {@link reset}; named like socket.io-parser's for familiarity. */
  destroy(): void {
    this.reset();
  }
}

/**
 * Empties `list`. Popping the few items is several times cheaper than `length = 0`, which
 * V8 runs as a call into its runtime.
 */
function clear(list: unknown[]): void {
  while (list.length > 0) list.pop();
}

/**
 * Turns the pending binary packet into the EVENT/ACK it stands for, its attachments back
 * in its data. The packet object is our own (decodeText made it): changed in place.
 */
function complete(pending: Packet, attachments: readonly Uint8Array[]): Packet {
  pending.data = insertAttachments(pending.data, attachments);
  pending.type = pending.type === PacketType.BINARY_EVENT ? PacketType.EVENT : PacketType.ACK;
  return pending;
}

/**
 * How many attachments the packet that decodeText last returned announced (0 unless it is
 * binary). A module variable rather than a field of the packet, so that the packet can be
 * handed out as it is; decodeText is synchronous and runs no user code.
 */
let announced = 0;

/** The namespace of the last packet that named one (any decoder; strings are immutable). */
let lastNamespace = "/";

/** The text frame that `text` holds from `start` on, as a packet; sets `announced`. */
function decodeText(text: string, start: number, maxAttachments: number): Packet {
  announced = 0;
  const length = text.length;
  const type = text.charCodeAt(start) - CODE_0;
  if (!(type >= 0 && type <= 6)) {
    throw new DecodeError("invalid packet type", start >= length ? "empty packet" : JSON.stringify(text.charAt(start)));
  }
  let i = start + 1;

  let attachments: number | undefined;
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    const first = i;
    let n = 0;
    for (let c = text.charCodeAt(i); c >= CODE_0 && c <= CODE_9; c = text.charCodeAt(++i)) {
      n = n * 10 + (c - CODE_0);
    }
    if (i === first || text.charCodeAt(i) !== DASH || n < 1) throw new DecodeError("invalid attachments");
    if (n > maxAttachments) throw new DecodeError("too many attachments", `${n} > ${maxAttachments}`);
    attachments = n;
    i++;
  }

  let nsp = "/";
  if (text.charCodeAt(i) === SLASH) {
    // Packets mostly repeat the namespace of the one before: reuse that string when the
    // text holds it followed by its ",", compared in place (no builtin calls, no slice).
    const known = lastNamespace;
    const after = i + known.length;
    let j = i + 1;
    while (j < after && text.charCodeAt(j) === known.charCodeAt(j - i)) j++;
    if (j === after && text.charCodeAt(after) === COMMA) {
      nsp = known;
      i = after + 1;
    } else {
      const comma = text.indexOf(",", i);
      const end = comma === -1 ? length : comma;
      nsp = lastNamespace = text.slice(i, end);
      i = comma === -1 ? length : comma + 1;
    }
  }

  let id: number | undefined;
  let c = text.charCodeAt(i);
  if (c >= CODE_0 && c <= CODE_9) {
    let n = 0;
    do {
      n = n * 10 + (c - CODE_0);
      // Checked each digit so a long run of digits cannot grow unbounded.
      if (n > Number.MAX_SAFE_INTEGER) throw new DecodeError("invalid ack id", "not a safe integer");
      c = text.charCodeAt(++i);
    } while (c >= CODE_0 && c <= CODE_9);
    id = n;
  }

  let data: unknown;
  if (i < length) {
    // JSON.parse would skip leading whitespace, but socket.io-parser reads whitespace after
    // the header as part of an ack id: refuse it rather than read it differently.
    if (text.charCodeAt(i) <= 32) throw new DecodeError("invalid json", "whitespace before the data");
    try {
      data = JSON.parse(text.slice(i));
    } catch {
      throw new DecodeError("invalid json");
    }
  }
  const problem = checkPayload(type as PacketType, data);
  if (problem !== undefined) throw new DecodeError(problem, `type ${type}`);

  if (attachments !== undefined) announced = attachments;
  if (data === undefined) {
    return id === undefined ? { type: type as PacketType, nsp } : { type: type as PacketType, nsp, id };
  }
  return id === undefined ? { type: type as PacketType, nsp, data } : { type: type as PacketType, nsp, id, data };
}
