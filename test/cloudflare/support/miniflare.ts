// Runs a test Worker in workerd through Miniflare: the entry is bundled with esbuild (as
// `wrangler deploy` would), then served on a real loopback port so that the real
// socket.io-client and raw `ws` clients can reach it.
import { build } from "esbuild";
import { Miniflare } from "miniflare";

export interface RunningWorker {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly mf: Miniflare;
  close(): Promise<void>;
}

/** Must not be later than the bundled workerd's own date (2026-04-26). */
export const COMPATIBILITY_DATE = "2026-04-01";

/** The Worker at `entry` as one ES module. */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild produced nothing for ${entry}`);
  return output.text;
}

export interface WorkerOptions {
  /** A directory served as the Worker's static assets (`assets.directory` in wrangler). */
  readonly assets?: string;
}

/** Starts the Worker at `entry` with Durable Object bindings `{ BINDING: "ClassName" }`. */
export async function startWorker(
  entry: string,
  durableObjects: Record<string, string>,
  options: WorkerOptions = {},
): Promise<RunningWorker> {
  const script = await bundleWorker(entry);
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: COMPATIBILITY_DATE,
    durableObjects,
    cf: false,
    host: "127.0.0.1",
    port: 0,
    // `has_user_worker`: what wrangler sets — requests that match no asset go to the Worker.
    ...(options.assets === undefined ? {} : { assets: { directory: options.assets, routerConfig: { has_user_worker: true } } }),
  });
  const url = await mf.ready;
  return { url: url.origin, mf, close: () => mf.dispose() };
}
