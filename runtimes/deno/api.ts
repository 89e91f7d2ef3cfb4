// The slice of Deno's network API that unio's own server uses, declared structurally (as far
// as it is used) so that the published types need no Deno type package.

/** One accepted TCP connection. */
export interface DenoConn {
  readonly remoteAddr: { readonly hostname?: string };
  /** Reads into `buffer`; resolves the count, or null at the end of the stream. Rejects once closed. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes` (possibly not all); resolves how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Half-closes: sends FIN, reading goes on. */
  closeWrite(): Promise<void>;
  /** Closes both halves at once; a pending read rejects. Throws when already closed. */
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
}

export interface DenoListener {
  readonly addr: { readonly port: number };
  /** The next connection; rejects once the listener is closed. */
  accept(): Promise<DenoConn>;
  close(): void;
}

declare const Deno: {
  listen(options: { port: number; hostname?: string; transport: "tcp" }): DenoListener;
};

/** `Deno.listen` for TCP (read at call time: this module also loads outside Deno, in type checks). */
export function listenTcp(port: number, hostname: string | undefined): DenoListener {
  return Deno.listen({ port, transport: "tcp", ...(hostname === undefined ? {} : { hostname }) });
}
