// Answers after which the connection should close: a refused WebSocket upgrade (its client
// gets no 101, and its connection must not linger as an idle keep-alive), and a request whose
// body stalled past its deadline. A handler can only ask, with `Connection: close`; measured
// on the real servers:
// - Bun closes the connection after a response that says `Connection: close`;
// - Deno 2.9 writes that header but keeps the connection open (it closes only when the
//   *request* said so). Deno would drop it after a response shorter than its declared
//   Content-Length, but a deliberately truncated answer is a broken response to every proxy
//   in front (nginx answers 502 and counts the upstream as failed), so unio does not do that:
//   on Deno the connection stays, as any idle keep-alive connection does there;
// - workerd drops the header and keeps the connection, which the platform owns.

import type { EngineResponse } from "../../src/engine/contract.js";
import { toResponse } from "./request.js";

/** `response` with `Connection: close`: the runtime should close the connection after it. */
export function closeByHeader(response: EngineResponse): Response {
  const closing = toResponse(response);
  closing.headers.set("connection", "close");
  return closing;
}

/** 400 for an upgrade the runtime itself refuses (a malformed key or version): no 101, and the connection closes. */
export const HANDSHAKE_REFUSED: EngineResponse = {
  status: 400,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: "Bad Request",
};

/**
 * 400 when the runtime itself refuses a WebSocket handshake the core had accepted (a
 * malformed Sec-WebSocket-Key or version): the client gets an HTTP error, never a 101, and
 * the connection closes.
 */
export function handshakeRefused(): Response {
  return closeByHeader(HANDSHAKE_REFUSED);
}
