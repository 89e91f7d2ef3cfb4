// `socket.handshake`: what the client's connection request carried, in socket.io's shape.
//
// Memory: most sockets' handshakes are never read, and all but two of its values are the
// engine session's (its request) or derived (`time`, `xdomain`). So a socket whose client
// sent no auth payload keeps only the time it was issued, a number, and builds its handshake
// on first read (then keeps that one object); a socket with an auth payload, which a
// middleware usually reads at once, gets its handshake built at connect (`handshakeSlot`).

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

/**
 * What a socket keeps of its handshake: the handshake itself, or — while not yet read, for a
 * client that sent no auth — the time it was issued (see `handshakeSlot` and `readHandshake`).
 */
export type HandshakeSlot = Handshake | number;

/** The slot of a new socket: `issued` alone when `auth` is an empty plain object, else the handshake. */
export function handshakeSlot(
  request: HandshakeRequest,
  auth: Readonly<Record<string, unknown>>,
  issued: number,
): HandshakeSlot {
  return isEmptyPlainObject(auth) ? issued : buildHandshake(request, auth, issued);
}

/** The handshake of `slot`, built from the engine's `request` when the slot holds only its time. */
export function readHandshake(slot: HandshakeSlot, request: HandshakeRequest): Handshake {
  // A fresh `{}` for each socket, as socket.io gives one: an application may write to it.
  return typeof slot === "number" ? buildHandshake(request, {}, slot) : slot;
}

/** `handshake.issued` without building the handshake. */
export function issuedOf(slot: HandshakeSlot): number {
  return typeof slot === "number" ? slot : slot.issued;
}

/** `handshake.auth` without building the handshake (a fresh `{}` when the client sent none). */
export function authOf(slot: HandshakeSlot): Readonly<Record<string, unknown>> {
  return typeof slot === "number" ? {} : slot.auth;
}

/**
 * True for `{}` as the packet decoder makes it (a plain object without keys): such an auth can
 * be made afresh on first read, and nobody can tell it from the one the client sent.
 */
function isEmptyPlainObject(value: object): boolean {
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
