// Session ids: 15 random bytes in base64url, 20 characters, like the reference's base64id.
// Randomness comes from `crypto.getRandomValues`; tests inject `generateId` instead.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function defaultGenerateId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  let id = "";
  for (let i = 0; i < 15; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    id += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  return id;
}
