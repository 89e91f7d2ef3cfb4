// The lifecycles Cloudflare test files share: one Worker in workerd for the whole file, and
// (most files) a fresh pool of socket.io-client connections per test, closed after it.
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { ClientPool } from "../../interop/clients.js";
import { startWorker, type RunningWorker } from "./miniflare.js";

export interface WorkerWithClients {
  /** The running Worker (from `beforeAll` on). */
  readonly worker: RunningWorker;
  /** This test's clients (from `beforeEach` on). */
  readonly pool: ClientPool;
}

/** One Worker for the whole file: registers the hooks; read `worker` inside tests. */
export function workerForFile(entry: string, durableObjects: Record<string, string>): { readonly worker: RunningWorker } {
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    worker = await startWorker(entry, durableObjects);
  });
  afterAll(async () => {
    await worker?.close();
  });
  return {
    get worker() {
      if (worker === undefined) throw new Error("the Worker is not started yet (use it inside a test)");
      return worker;
    },
  };
}

/** The Worker and a fresh client pool per test: registers the hooks; read `worker` and `pool` inside tests. */
export function workerWithClients(entry: string, durableObjects: Record<string, string>): WorkerWithClients {
  const file = workerForFile(entry, durableObjects);
  let pool: ClientPool | undefined;
  beforeEach(() => {
    pool = new ClientPool(file.worker.url);
  });
  afterEach(async () => {
    await pool?.closeAll();
  });
  return {
    get worker() {
      return file.worker;
    },
    get pool() {
      if (pool === undefined) throw new Error("no client pool outside a test");
      return pool;
    },
  };
}
