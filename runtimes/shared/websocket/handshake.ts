// The server's half of the opening handshake (RFC 6455 §4.2): check the client's upgrade
// request, then answer 101 with `Sec-WebSocket-Accept`. Pure: the SHA-1 behind the accept
// value is the runtime's (Node's `createHash` is synchronous, Deno's `crypto.subtle` is not),
// so each shim computes `acceptKey` itself from `WEBSOCKET_GUID` (runtimes/node/handshake.ts,
// runtimes/deno/handshake.ts).

import { hasToken } from "../http1/request-head.js";

/** Appended to the client's key before hashing (RFC 6455 §1.3). */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** base64 of 16 bytes: 22 significant characters and `==` padding. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

export type HandshakeCheck =
  /** A valid upgrade: answer with `switchingProtocols(acceptKey(key))`. */
  | { readonly kind: "valid"; readonly key: string }
  /** Not a WebSocket handshake we speak: answer `status` with `headers` and close. */
  | {
      readonly kind: "invalid";
      readonly status: 400 | 405;
      readonly message: string;
      readonly headers: Readonly<Record<string, string>>;
    };

/** Header values as `node:http` gives them: lower-case names, some repeated as arrays. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Checks an upgrade request's method and headers; a valid one carries the client's key. */
export function validateHandshake(method: string, headers: RequestHeaders): HandshakeCheck {
  if (method !== "GET") return invalid(405, "Invalid HTTP method");
  if (!hasToken(headers["upgrade"], "websocket")) return invalid(400, "Invalid Upgrade header");
  if (!hasToken(headers["connection"], "upgrade")) return invalid(400, "Invalid Connection header");
  const version = headers["sec-websocket-version"];
  if (version !== "13") {
    // Tell the client which version we speak (RFC 6455 §4.4).
    return invalid(400, "Missing or invalid Sec-WebSocket-Version header", { "Sec-WebSocket-Version": "13" });
  }
  const key = headers["sec-websocket-key"];
  if (typeof key !== "string" || !KEY.test(key)) return invalid(400, "Missing or invalid Sec-WebSocket-Key header");
  return { kind: "valid", key };
}

/** The raw bytes of the 101 response that completes the handshake. */
export function switchingProtocols(accept: string): Uint8Array {
  return new TextEncoder().encode(
    "HTTP/1.1 101 Switching Protocols\r\n" +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n` +
      "\r\n",
  );
}

function invalid(status: 400 | 405, message: string, headers: Record<string, string> = {}): HandshakeCheck {
  return { kind: "invalid", status, message, headers };
}
