// Standard base64 (RFC 4648 §4, "+/" alphabet, "=" padding) without Buffer or atob/btoa,
// which the core cannot use. Engine.IO needs it for binary messages in polling payloads
// ("b" + base64).
//
// Encoding writes ASCII codes into one byte array and turns it into a string with a single
// TextDecoder call (every runtime has a native fast path for that). An optional one-character
// prefix is written into the same array, so "b" + base64 costs no extra string.
//
// Decoding is strict, because the input comes from the peer: the length must be a multiple
// of 4, "=" may only pad the last quad, every other character must be in the alphabet, and
// the bits that padding leaves over must be zero (so every byte string has exactly one
// accepted encoding). Anything else is a DecodeError "invalid base64".

import { DecodeError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 61; // "="
const INVALID = 255;

/** ASCII code of each 6-bit value. */
const ENCODE = new Uint8Array(64);
/** 6-bit value of each char code below 128; INVALID elsewhere. */
const DECODE = new Uint8Array(128).fill(INVALID);
for (let i = 0; i < 64; i++) {
  const code = ALPHABET.charCodeAt(i);
  ENCODE[i] = code;
  DECODE[code] = i;
}

/** Below this many bytes, building the string char by char beats a TextDecoder call. */
const SMALL = 48;
const ascii = new TextDecoder();

/** The base64 text of `bytes`, optionally preceded by the one ASCII character `prefix`. */
export function encodeBase64(bytes: Uint8Array, prefix = ""): string {
  const length = bytes.length;
  if (length < SMALL) return prefix + encodeSmall(bytes, length);
  const head = prefix.length;
  const out = new Uint8Array(head + Math.ceil(length / 3) * 4);
  if (head === 1) out[0] = prefix.charCodeAt(0) & 0x7f;
  const whole = length - (length % 3);
  let o = head;
  let i = 0;
  for (; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = ENCODE[n >>> 18]!;
    out[o + 1] = ENCODE[(n >>> 12) & 63]!;
    out[o + 2] = ENCODE[(n >>> 6) & 63]!;
    out[o + 3] = ENCODE[n & 63]!;
    o += 4;
  }
  const rest = length - whole;
  if (rest === 1) {
    const n = bytes[i]!;
    out[o] = ENCODE[n >>> 2]!;
    out[o + 1] = ENCODE[(n & 3) << 4]!;
    out[o + 2] = PAD;
    out[o + 3] = PAD;
  } else if (rest === 2) {
    const n = (bytes[i]! << 8) | bytes[i + 1]!;
    out[o] = ENCODE[n >>> 10]!;
    out[o + 1] = ENCODE[(n >>> 4) & 63]!;
    out[o + 2] = ENCODE[(n & 15) << 2]!;
    out[o + 3] = PAD;
  }
  return ascii.decode(out);
}

function encodeSmall(bytes: Uint8Array, length: number): string {
  let s = "";
  let i = 0;
  const whole = length - (length % 3);
  for (; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = length - whole;
  if (rest === 1) {
    const n = bytes[i]!;
    s += ALPHABET[n >>> 2]! + ALPHABET[(n & 3) << 4]! + "==";
  } else if (rest === 2) {
    const n = (bytes[i]! << 8) | bytes[i + 1]!;
    s += ALPHABET[n >>> 10]! + ALPHABET[(n >>> 4) & 63]! + ALPHABET[(n & 15) << 2]! + "=";
  }
  return s;
}

/** Value of the char at `i`, or INVALID when it is outside the alphabet. */
function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? DECODE[code]! : INVALID;
}

/**
 * The bytes that `text` from index `start` up to `end` encodes. Throws DecodeError
 * "invalid base64" on anything but canonical padded base64.
 */
export function decodeBase64(text: string, start = 0, end = text.length): Uint8Array {
  const length = end - start;
  if (length === 0) return new Uint8Array(0);
  if (length < 0 || length % 4 !== 0) throw new DecodeError("invalid base64", "length is not a multiple of 4");
  const padding = text.charCodeAt(end - 1) !== PAD ? 0 : text.charCodeAt(end - 2) !== PAD ? 1 : 2;
  const out = new Uint8Array((length / 4) * 3 - padding);
  // Every quad but the last is complete; the last one may carry padding.
  const lastQuad = end - 4;
  let o = 0;
  let i = start;
  for (; i < lastQuad; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    // INVALID is 255, so an invalid sextet sets a bit above the low six.
    if ((a | b | c | d) > 63) throw invalidCharacter(text, i);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = n >>> 16;
    out[o + 1] = (n >>> 8) & 255;
    out[o + 2] = n & 255;
    o += 3;
  }
  const a = sextet(text, i);
  const b = sextet(text, i + 1);
  const c = padding === 2 ? 0 : sextet(text, i + 2);
  const d = padding >= 1 ? 0 : sextet(text, i + 3);
  if ((a | b | c | d) > 63) throw invalidCharacter(text, i);
  const n = (a << 18) | (b << 12) | (c << 6) | d;
  out[o] = n >>> 16;
  if (padding === 2) {
    if ((n & 0xffff) !== 0) throw new DecodeError("invalid base64", "non-zero bits after the last byte");
  } else if (padding === 1) {
    if ((n & 0xff) !== 0) throw new DecodeError("invalid base64", "non-zero bits after the last byte");
    out[o + 1] = (n >>> 8) & 255;
  } else {
    out[o + 1] = (n >>> 8) & 255;
    out[o + 2] = n & 255;
  }
  return out;
}

function invalidCharacter(text: string, quadStart: number): DecodeError {
  let at = quadStart;
  while (sextet(text, at) !== INVALID) at++;
  return new DecodeError("invalid base64", `unexpected character at index ${at}`);
}
