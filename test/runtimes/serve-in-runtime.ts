// The tail every runtime test server shares: serve `target` with the Deno or Bun shim,
// whichever runtime runs the file, print `listening <port>` (what spawn-server.ts waits for),
// and close through `serve(...).close()` on SIGTERM (`closeOnSigterm`, also used by the
// servers that call a shim's `serve` themselves).
import type { EngineHost } from "../../runtimes/shared/engine-host.js";
import type { FetchServeOptions, RunningServer } from "../../runtimes/shared/serve-options.js";

declare const Deno: { addSignalListener(signal: "SIGTERM", listener: () => void): void; exit(code: number): never } | undefined;

export async function serveInRuntime(target: EngineHost & { close(): unknown }, options: FetchServeOptions): Promise<void> {
  const served: RunningServer =
    typeof Deno !== "undefined"
      ? await (await import("../../runtimes/deno.js")).serve(target, options)
      : await (await import("../../runtimes/bun.js")).serve(target, options);
  closeOnSigterm(served);
  console.log(`listening ${served.port}`);
}

/** On SIGTERM: close `server`, then exit 0, or 1 with the error, so a test sees a clean shutdown or a failing one. */
export function closeOnSigterm(server: { close(): Promise<void> }): void {
  const onDeno = typeof Deno !== "undefined";
  const exit = (code: number): never => (onDeno ? Deno!.exit(code) : process.exit(code));
  const stop = (): void => {
    server.close().then(
      () => exit(0),
      (err: unknown) => {
        console.error(err);
        exit(1);
      },
    );
  };
  if (onDeno) Deno!.addSignalListener("SIGTERM", stop);
  else process.once("SIGTERM", stop);
}
