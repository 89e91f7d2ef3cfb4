// unio's own HTTP/1.1 server on `Deno.listen`: accepts connections, runs each one
// (connection.ts), and closes in order: the core first (parked polls answered, WebSockets
// told), then the listener, then the answers still owed, then every connection.

import { type EngineHost, type HostedEngine, closeHost } from "../shared/engine-host.js";
import type { RunningServer } from "../shared/serve-options.js";
import { timedEngineOf } from "../fetch/handle.js";
import { type DenoListener, listenTcp } from "./api.js";
import { type ConnectionOwner, HttpConnection } from "./connection.js";
import { type ConnectionLimits, type DenoServeOptions, connectionLimits } from "./options.js";

/** How long `close()` waits for answers still owed before it closes their connections. */
const SHUTDOWN_GRACE_MS = 1000;
/** After a failed accept (out of file descriptors), the next one waits this long. */
const ACCEPT_RETRY_MS = 50;

export function listen(io: EngineHost & { close(): unknown }, options: DenoServeOptions = {}): RunningServer {
  const limits = connectionLimits(options);
  const listener = listenTcp(options.port ?? 3000, options.hostname);
  const server = new DenoServer(io, listener, limits);
  void server.accept();
  return { port: listener.addr.port, close: () => server.close() };
}

class DenoServer implements ConnectionOwner {
  readonly engine: HostedEngine;
  closing = false;
  private readonly connections = new Set<HttpConnection>();
  private readonly runs = new Set<Promise<void>>();
  private readonly working = new Set<HttpConnection>();
  private idle: (() => void) | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly io: EngineHost & { close(): unknown },
    private readonly listener: DenoListener,
    readonly limits: ConnectionLimits,
  ) {
    this.engine = timedEngineOf(io);
  }

  async accept(): Promise<void> {
    while (!this.closing) {
      let conn;
      try {
        conn = await this.listener.accept();
      } catch {
        if (this.closing) return;
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
        continue;
      }
      conn.setNoDelay?.(true); // frames and answers are whole messages: send them now
      const connection = new HttpConnection(conn, this);
      this.connections.add(connection);
      const run = connection.run().catch((error: unknown) => console.error("unio: connection failed", error));
      this.runs.add(run);
      void run.finally(() => this.runs.delete(run));
    }
  }

  busy(connection: HttpConnection, busy: boolean): void {
    if (busy) this.working.add(connection);
    else if (this.working.delete(connection) && this.working.size === 0) this.idle?.();
  }

  forget(connection: HttpConnection): void {
    this.connections.delete(connection);
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      await closeHost(this.io); // the core first: parked polls are answered, WebSockets closed
      this.closing = true;
      try {
        this.listener.close();
      } catch {
        // Closed already.
      }
      await this.answered();
      for (const connection of this.connections) connection.shutdown();
      // Every connection ends within its grace or linger timer.
      await Promise.all(this.runs);
    })();
    return this.closed;
  }

  /** Resolves once no request is with the core any more, or after the grace period. */
  private answered(): Promise<void> {
    if (this.working.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, SHUTDOWN_GRACE_MS);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.idle = undefined;
        resolve();
      }
      this.idle = done;
    });
  }
}
