// Starts a unio test server in a real runtime process (deno, bun, node) and stops it by its
// PID. The server script prints `listening <port>` once it accepts connections, and on
// SIGTERM closes unio (sessions, then the listener) before it exits, so `close()` also
// proves that `serve(...).close()` finishes.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StartedServer } from "../interop/client-suite.js";

export const root = fileURLToPath(new URL("../../", import.meta.url));

/** The exact command lines the README documents, with the script's path. */
export const runtimeCommands = {
  deno: (script: string): string[] => [
    `${root}node_modules/.bin/deno`,
    "run",
    "--sloppy-imports",
    "--unstable-no-legacy-abort",
    "--no-check",
    "--no-remote",
    "--no-npm",
    "--no-prompt",
    "--allow-net=127.0.0.1",
    script,
  ],
  bun: (script: string): string[] => [`${root}node_modules/.bin/bun`, "run", script],
} as const;

const READY_MS = 15_000;
const EXIT_MS = 5_000;

/** Spawns `command`, resolving once it printed `listening <port>`. */
export function startServerProcess(label: string, command: readonly string[]): Promise<StartedServer & { child: ChildProcess }> {
  const [file, ...args] = command;
  const child = spawn(file!, args, {
    cwd: root,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    output += text;
    process.stderr.write(`[${label}] ${text}`);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} did not start within ${READY_MS} ms:\n${output}`));
    }, READY_MS);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}) before listening:\n${output}`));
    });
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      output += text;
      const match = /listening (\d+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve({
        child,
        url: `http://127.0.0.1:${match[1]}`,
        async close() {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${label} died early:\n${output}`);
          process.kill(child.pid!, "SIGTERM");
          const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), EXIT_MS))]);
          if (code === "timeout") {
            process.kill(child.pid!, "SIGKILL");
            throw new Error(`${label} did not shut down within ${EXIT_MS} ms of SIGTERM:\n${output}`);
          }
          if (code !== 0) throw new Error(`${label} exited with ${code}:\n${output}`);
        },
      });
    });
  });
}
