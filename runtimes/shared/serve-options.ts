// What every standalone `serve(io, options)` takes and gives back (Deno and Bun; Node's
// `serve` has the same shape under its own names).

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** Address to listen on. Default: the runtime's (all interfaces). */
  readonly hostname?: string;
}

export interface RunningServer {
  /** The port actually bound. */
  readonly port: number;
  /** Closes every session, stops listening (closing live sockets), and resolves once the runtime's server has finished. */
  close(): Promise<void>;
}
