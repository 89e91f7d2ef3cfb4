// What every standalone `serve(io, options)` takes and gives back (Deno and Bun; Node's
// `serve` has the same shape under its own names).

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** Address to listen on. Default: the runtime's (all interfaces). */
  readonly hostname?: string;
}

/**
 * The request limits the fetch-style shims (Deno, Bun, Cloudflare) enforce themselves. Node's
 * `http.Server` has its own (`headersTimeout`, `requestTimeout`), which the Node shim leaves to it.
 */
export interface BodyOptions {
  /**
   * Milliseconds a polling POST's body may take to arrive whole, counted from when the core
   * starts reading it. Past it the body is cancelled, the session ends ("transport error") and
   * the request is answered 408 with its connection closed, as Node answers a request over its
   * `requestTimeout`. A session's heartbeat ends a stuck POST too, after at most
   * `pingInterval + pingTimeout`. Default `DEFAULT_BODY_TIMEOUT` (30 s); 0 turns it off.
   */
  readonly bodyTimeout?: number;
}

/** 30 s: a 1 MB body (the default `maxHttpBufferSize`) at about 33 kB/s. */
export const DEFAULT_BODY_TIMEOUT = 30_000;

/** `serve()` on Deno and Bun. */
export interface FetchServeOptions extends ServeOptions, BodyOptions {}

export interface RunningServer {
  /** The port actually bound. */
  readonly port: number;
  /** Closes every session, stops listening (closing live sockets), and resolves once the runtime's server has finished. */
  close(): Promise<void>;
}
