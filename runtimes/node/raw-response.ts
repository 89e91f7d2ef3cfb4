// An HTTP response written by hand on a raw socket: after the `upgrade` event Node hands us
// the bare TCP socket, so a refused upgrade must be answered byte by byte and the socket closed.

import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/** Header names and values we refuse to write: they could split the response. */
const UNSAFE = /[\r\n]/;

/** The bytes of a complete `Connection: close` response with a `Content-Length`. */
export function rawResponse(status: number, headers: Readonly<Record<string, string>>, body: string | Uint8Array): Buffer {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === "connection" || lower === "content-length" || UNSAFE.test(name) || UNSAFE.test(value)) continue;
    head += `${name}: ${value}\r\n`;
  }
  head += `Connection: close\r\nContent-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

/** Writes the response and closes the socket once it is flushed. */
export function refuse(socket: Duplex, status: number, headers: Readonly<Record<string, string>>, body: string | Uint8Array): void {
  if (socket.destroyed) return;
  socket.once("finish", () => socket.destroy());
  socket.end(rawResponse(status, headers, body));
}
