// `socket.handshake`: what the client's connection request carried, in socket.io's shape.

import type { HandshakeRequest } from "../engine/types.js";

export interface Handshake {
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** When the socket was created, as `Date.prototype.toString()` writes it. */
  readonly time: string;
  /** The client's address as the runtime reported it. */
  readonly address: string;
  /** Whether the request carried an Origin header (a cross-origin page). */
  readonly xdomain: boolean;
  /** Whether the request came over TLS. */
  readonly secure: boolean;
  /** When the socket was created, in ms since the epoch. */
  readonly issued: number;
  /** Path and query of the handshake request. */
  readonly url: string;
  /** The handshake request's query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The payload of the client's CONNECT packet (`auth` option of socket.io-client). */
  readonly auth: Readonly<Record<string, unknown>>;
}

/**
 * `Date.prototype.toString()` of `issued`: it has one-second resolution, so the sockets made
 * within one second share one string (and its formatting, which costs more than the rest of
 * the handshake).
 */
let cachedSecond = Number.NaN;
let cachedTime = "";

function timeString(issued: number): string {
  const second = Math.floor(issued / 1000);
  if (second !== cachedSecond) {
    cachedTime = String(new Date(issued));
    cachedSecond = second;
  }
  return cachedTime;
}

export function buildHandshake(
  request: HandshakeRequest,
  auth: Readonly<Record<string, unknown>>,
  issued: number,
): Handshake {
  return {
    headers: request.headers,
    time: timeString(issued),
    address: request.remoteAddress,
    xdomain: request.headers["origin"] !== undefined,
    secure: request.secure,
    issued,
    url: request.url,
    query: request.query,
    auth,
  };
}
