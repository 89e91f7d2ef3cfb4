// The options of `serve()` on Deno: the request limits unio's own HTTP/1.1 server enforces,
// with Node's `http.Server` defaults, so the Deno and Node shims agree.

import { DEFAULT_MAX_HEADER_SIZE } from "../shared/http1/index.js";
import { DEFAULT_BODY_TIMEOUT, type FetchServeOptions } from "../shared/serve-options.js";

export interface DenoServeOptions extends FetchServeOptions {
  /**
   * Milliseconds a connection may take to send a whole request head, counted from its first
   * byte (from the accept, for a connection that never speaks). Past it the connection is
   * answered 408 and closed, as Node's `headersTimeout` does: a client that trickles its
   * headers or never speaks cannot hold a connection. Default 60 000; 0 turns it off.
   */
  readonly headersTimeout?: number;
  /**
   * Milliseconds an idle keep-alive connection is kept between requests before it is closed,
   * as Node's `keepAliveTimeout`. Default 5000; 0 turns it off.
   */
  readonly keepAliveTimeout?: number;
  /** Largest request head in bytes (request line and fields); a larger one is answered 431. Default 16 KiB. */
  readonly maxHeaderSize?: number;
}

/** Node's `http.Server` defaults. */
export const DEFAULT_HEADERS_TIMEOUT = 60_000;
export const DEFAULT_KEEP_ALIVE_TIMEOUT = 5_000;

/** The options with every default filled in; 0 (or Infinity) means "no deadline". */
export interface ConnectionLimits {
  readonly headersTimeout: number;
  readonly keepAliveTimeout: number;
  readonly bodyTimeout: number;
  readonly maxHeaderSize: number;
}

export function connectionLimits(options: DenoServeOptions): ConnectionLimits {
  return {
    headersTimeout: milliseconds("headersTimeout", options.headersTimeout ?? DEFAULT_HEADERS_TIMEOUT),
    keepAliveTimeout: milliseconds("keepAliveTimeout", options.keepAliveTimeout ?? DEFAULT_KEEP_ALIVE_TIMEOUT),
    bodyTimeout: milliseconds("bodyTimeout", options.bodyTimeout ?? DEFAULT_BODY_TIMEOUT),
    maxHeaderSize: size("maxHeaderSize", options.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE),
  };
}

function milliseconds(name: string, ms: number): number {
  if (!(ms >= 0)) throw new RangeError(`${name} must be a number of milliseconds >= 0, not ${String(ms)}`);
  return ms;
}

function size(name: string, bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new RangeError(`${name} must be a positive integer, not ${String(bytes)}`);
  return bytes;
}
