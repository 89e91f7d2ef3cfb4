// `Sec-WebSocket-Accept` on Deno: base64(SHA-1(key + GUID)) from the web crypto API (the
// check of the request itself is the shared, pure one).

import { WEBSOCKET_GUID } from "../shared/websocket/index.js";

const encoder = new TextEncoder();

export async function acceptKey(key: string): Promise<string> {
  const input = new Uint8Array(encoder.encode(key + WEBSOCKET_GUID)); // typed as ArrayBuffer-backed
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", input));
  return btoa(String.fromCharCode(...digest));
}
