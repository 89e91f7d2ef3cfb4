// The lifecycle most Cloudflare test files share: one Worker in workerd for the whole file,
// and a fresh pool of socket.io-client connections per test, closed after it.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { ClientPool } from "../../interop/clients.js";
import { startWorker, type RunningWorker } from "./miniflare.js";

export interface WorkerWithClients {
  /** The running Worker (from `beforeAll` on). */
  readonly worker: RunningWorker;
  /** This test's clients (from `beforeEach` on). */
  readonly pool: ClientPool;
}

/** Registers the hooks; read `worker` and `pool` inside tests. */
export function workerWithClients(entry: string, durableObjects: Record<string, string>): WorkerWithClients {
  let worker: RunningWorker | undefined;
  let pool: ClientPool | undefined;
  beforeAll(async () => {
    worker = await startWorker(entry, durableObjects);
  });
  afterAll(async () => {
    await worker?.close();
  });
  beforeEach(() => {
    pool = new ClientPool(started().url);
  });
  afterEach(async () => {
    await pool?.closeAll();
  });
  const started = (): RunningWorker => {
    if (worker === undefined) throw new Error("the Worker is not started yet (use it inside a test)");
    return worker;
  };
  return {
    get worker() {
      return started();
    },
    get pool() {
      if (pool === undefined) throw new Error("no client pool outside a test");
      return pool;
    },
  };
}
