// Session ids: 15 random bytes in base64url, 20 characters, like the reference's base64id.
// Randomness comes from `crypto.getRandomValues`; tests inject `generateId` instead.
//
// Each connection takes two ids (its Engine.IO session and its Socket.IO socket), and a call
// into the runtime's random source costs more than the rest of making an id. So the bytes are
// drawn 64 ids at a time into one pool and handed out in order, each byte once: the ids are
// exactly as random, only fetched in bulk.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const ID_BYTES = 15;
const POOL_IDS = 64;
const pool = new Uint8Array(ID_BYTES * POOL_IDS);
/** Where the next id's bytes start; at the end, the pool is drawn afresh. */
let next = pool.length;

export function defaultGenerateId(): string {
  if (next === pool.length) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  const at = next;
  next += ID_BYTES;
  let id = "";
  for (let i = at; i < at + ID_BYTES; i += 3) {
    const n = (pool[i]! << 16) | (pool[i + 1]! << 8) | pool[i + 2]!;
    id += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  return id;
}
