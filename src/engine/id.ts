// Session ids: 15 random bytes in base64url, 20 characters, like the reference's base64id.
// Randomness comes from `crypto.getRandomValues`; tests inject `generateId` instead.
//
// Each connection takes two ids (its Engine.IO session and its Socket.IO socket), and a call
// into the runtime's random source costs more than the rest of making an id. So the bytes are
// drawn 64 ids at a time into one pool and handed out in order, each byte once: the ids are
// exactly as random, only fetched in bulk.
//
// Memory: the 64 ids of a draw are made together, each as one flat string with no strings
// made on the way. An id lives as long as its connection, and on a runtime whose collector
// never moves objects (JSC) a string made in the middle of a handshake sits among the dozens
// of short-lived strings that handshake makes, and keeps their pages from being reused; made
// side by side, the ids of 64 connections share their pages.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const ID_BYTES = 15;
const ID_CHARS = 20;
const POOL_IDS = 64;
const pool = new Uint8Array(ID_BYTES * POOL_IDS);
/** The ids of the current draw, and the index of the next one to hand out. */
const ids: string[] = [];
let next = POOL_IDS;
/** One id's character codes, reused. */
const codes: number[] = new Array<number>(ID_CHARS).fill(0);

export function defaultGenerateId(): string {
  if (next === POOL_IDS) draw();
  return ids[next++]!;
}

function draw(): void {
  crypto.getRandomValues(pool);
  for (let k = 0; k < POOL_IDS; k++) ids[k] = encode(k * ID_BYTES);
  next = 0;
}

/** The id written by the pool's bytes from `at`: base64url, three bytes to four characters. */
function encode(at: number): string {
  let c = 0;
  for (let i = at; i < at + ID_BYTES; i += 3) {
    const n = (pool[i]! << 16) | (pool[i + 1]! << 8) | pool[i + 2]!;
    codes[c++] = ALPHABET.charCodeAt(n >> 18);
    codes[c++] = ALPHABET.charCodeAt((n >> 12) & 63);
    codes[c++] = ALPHABET.charCodeAt((n >> 6) & 63);
    codes[c++] = ALPHABET.charCodeAt(n & 63);
  }
  return String.fromCharCode.apply(null, codes);
}
