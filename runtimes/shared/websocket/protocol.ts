// RFC 6455 constants shared by the frame decoder and encoder: opcodes, which close codes a
// peer may send or we may send, and the XOR masking every client frame carries.
// Pure: no runtime imports, so any runtime that hands us raw bytes could reuse it.

export const Opcode = {
  /** Continues a fragmented text or binary message. */
  continuation: 0x0,
  /** A UTF-8 text message (or its first fragment). */
  text: 0x1,
  /** A binary message (or its first fragment). */
  binary: 0x2,
  /** Starts the closing handshake; payload is an optional 2-byte code + UTF-8 reason. */
  close: 0x8,
  /** Asks the other side to answer with a pong carrying the same payload. */
  ping: 0x9,
  /** The answer to a ping (or an unsolicited heartbeat). */
  pong: 0xa,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** The close codes the decoder reports when a peer breaks the protocol. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  /** Never on the wire: "the close frame had no code". */
  noStatus: 1005,
  /** Never on the wire: "the connection dropped without a close frame". */
  abnormal: 1006,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
} as const;

/** Control frames carry at most 125 payload bytes (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** A close reason fits in a control frame after the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = MAX_CONTROL_PAYLOAD - 2;

/**
 * Whether a peer may put `code` in a close frame. 1005, 1006 and 1015 are reserved for
 * reporting and must never be sent; 1004 and 1012–2999 are unassigned to endpoints
 * (1012–1014 are server-side IANA additions a client has no reason to send); 3000–3999
 * belong to libraries and frameworks, 4000–4999 to applications.
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

/** Whether we may send `code`: what a peer may send, plus the server-side 1012–1014. */
export function isSendableCloseCode(code: number): boolean {
  return isValidCloseCode(code) || (code >= 1012 && code <= 1014);
}

/**
 * XORs `length` bytes of `bytes` from `at` with the 4-byte `mask` (its bytes big-endian in
 * one number: the first key byte is the top 8 bits), in place. `phase` is how many payload
 * bytes came before `at` (mask position = phase mod 4), so a payload that arrives in pieces
 * is unmasked piece by piece.
 */
export function unmaskInPlace(bytes: Uint8Array, at: number, length: number, mask: number, phase: number): void {
  if (mask === 0) return;
  let i = 0;
  if (length >= 64) {
    // A word at a time over the 4-byte aligned middle: several times faster than bytes.
    const start = bytes.byteOffset + at;
    const lead = (4 - (start & 3)) & 3;
    for (; i < lead; i++) bytes[at + i] = (bytes[at + i] ?? 0) ^ keyByte(mask, phase + i);
    const words = (length - lead) >>> 2;
    const p = phase + lead;
    const k0 = keyByte(mask, p);
    const k1 = keyByte(mask, p + 1);
    const k2 = keyByte(mask, p + 2);
    const k3 = keyByte(mask, p + 3);
    // The word whose bytes in memory order are k0 k1 k2 k3.
    const key = LITTLE_ENDIAN ? k0 | (k1 << 8) | (k2 << 16) | (k3 << 24) : (k0 << 24) | (k1 << 16) | (k2 << 8) | k3;
    const view = new Uint32Array(bytes.buffer, start + lead, words);
    for (let w = 0; w < words; w++) view[w] = (view[w] ?? 0) ^ key;
    i = lead + words * 4;
  }
  // Short payloads and the tail: four bytes per turn with the mask rotated to line up.
  const m0 = keyByte(mask, phase + i);
  const m1 = keyByte(mask, phase + i + 1);
  const m2 = keyByte(mask, phase + i + 2);
  const m3 = keyByte(mask, phase + i + 3);
  let k = at + i;
  const end = at + length;
  for (; k + 4 <= end; k += 4) {
    bytes[k] = (bytes[k] ?? 0) ^ m0;
    bytes[k + 1] = (bytes[k + 1] ?? 0) ^ m1;
    bytes[k + 2] = (bytes[k + 2] ?? 0) ^ m2;
    bytes[k + 3] = (bytes[k + 3] ?? 0) ^ m3;
  }
  if (k < end) bytes[k] = (bytes[k] ?? 0) ^ m0;
  if (k + 1 < end) bytes[k + 1] = (bytes[k + 1] ?? 0) ^ m1;
  if (k + 2 < end) bytes[k + 2] = (bytes[k + 2] ?? 0) ^ m2;
}

/** Byte `position mod 4` of a big-endian masking key. */
function keyByte(mask: number, position: number): number {
  return (mask >>> (24 - ((position & 3) << 3))) & 0xff;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
