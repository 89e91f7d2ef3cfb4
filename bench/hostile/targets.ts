// The servers the hostile client attacks, each in a fresh child process of its runtime,
// and this process's end of the control channel. Only processes started here are ever
// signalled, through their own ChildProcess handle.

import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { buildFixture, type BuildResult } from "../server/build.js";
import { CONTROL_PREFIX, type ControlMessage, type ControlRequest, type ServerStats } from "./control-protocol.js";

export interface TargetSpec {
  /** The name on the command line (`--servers`). */
  readonly name: string;
  /** The name in tables. */
  readonly label: string;
  readonly runtime: "node" | "deno" | "bun";
  /** The fixture, relative to bench/hostile/fixtures/. */
  readonly fixture: string;
  /** Repository files that must exist before the fixture can be built. */
  readonly requires: readonly string[];
  /** The server's default `maxHttpBufferSize`, when it is not 1e6 (Cloudflare: 1 MiB). */
  readonly maxHttpBufferSize?: number;
  /**
   * Families whose answers come (wholly or partly) from the runtime rather than from unio,
   * with what the runtime owns there: they still run, and the table marks them "runtime".
   */
  readonly runtimeOwns?: Readonly<Record<string, string>>;
}

/** What workerd, not unio, does on Cloudflare (measured by the families it is noted on). */
const WORKERD_OWNS: Readonly<Record<string, string>> = {
  "ws-framing":
    "workerd parses frames: it closes some faults itself (1002, 1009 over 32 MiB), passes invalid UTF-8 on as U+FFFD, ignores oversized pings; unio sees whole messages only",
  "ws-handshake":
    "workerd parses HTTP (431 from 128 KB of headers, 501 for a garbage request line, its own 500 for a POST with Upgrade) and mostly keeps the connection alive after unio's 400 (it ignores a Worker's Connection: close)",
  polling:
    "only the chunked body over the limit: unio answers 413 at once, workerd then closes without lingering while the body still arrives, so the client's TCP reset may swallow the 413 (\"no answer\")",
  "ws-memory": "workerd buffers frames and answers pings; unio sees whole messages only",
  "slow-connections":
    "workerd owns TCP: it drops trickled headers and silent connections after 15 s, and keeps a websocket whose client never answers the close frame (for minutes); unio's bodyTimeout (30 s) ends unfinished bodies and its heartbeat silent sessions",
  "slow-consumers":
    "over websocket workerd queues outbound messages itself and gives the object no bufferedAmount, so unio cannot see a reader that stopped; its heartbeat ends it after pingInterval + pingTimeout",
};

export const TARGETS: readonly TargetSpec[] = [
  { name: "unio-node", label: "unio (node)", runtime: "node", fixture: "node-unio.ts", requires: ["runtimes/node/index.ts"] },
  { name: "unio-deno", label: "unio (deno)", runtime: "deno", fixture: "deno-unio.ts", requires: ["runtimes/deno.ts"], runtimeOwns: { "ws-framing": "Deno parses WebSocket frames" } },
  { name: "unio-bun", label: "unio (bun)", runtime: "bun", fixture: "bun-unio.ts", requires: ["runtimes/bun.ts"], runtimeOwns: { "ws-framing": "Bun parses WebSocket frames" } },
  { name: "socketio", label: "socket.io (node)", runtime: "node", fixture: "node-socketio.ts", requires: [] },
  // A Node process that runs a SocketIODurableObject in workerd through Miniflare: the attacks
  // reach workerd's own port (see fixtures/cloudflare-unio.ts).
  { name: "unio-cloudflare", label: "unio (cloudflare)", runtime: "node", fixture: "cloudflare-unio.ts", requires: ["runtimes/cloudflare.ts"], maxHttpBufferSize: 1 << 20, runtimeOwns: WORKERD_OWNS },
];

export type Built = BuildResult;

/** Bundles a fixture into one file its runtime runs (Deno gets a self-contained one). */
export function buildTarget(root: string, spec: TargetSpec): Promise<Built> {
  return buildFixture(root, spec, "hostile");
}

function command(root: string, spec: TargetSpec, file: string): { cmd: string; args: string[] } {
  const bin = (name: string): string => join(root, "node_modules", ".bin", name);
  switch (spec.runtime) {
    case "node":
      return { cmd: process.execPath, args: ["--expose-gc", file] };
    case "bun":
      return { cmd: bin("bun"), args: ["run", file] };
    case "deno":
      return {
        cmd: bin("deno"),
        args: ["run", "--no-check", "--no-remote", "--no-npm", "--no-prompt", "--allow-net=127.0.0.1", "--allow-read=/proc/self/stat", "--v8-flags=--expose-gc", file],
      };
  }
}

/** One server process under attack. */
export class Target {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (stats: ServerStats) => void; reject: (error: Error) => void }>();
  private exitedWith: string | undefined;
  stderrTail = "";

  private constructor(
    readonly spec: TargetSpec,
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Undefined while running; how it ended otherwise ("exit 1", "SIGABRT", …). */
  get exited(): string | undefined {
    return this.exitedWith;
  }

  static start(root: string, spec: TargetSpec, file: string): Promise<Target> {
    const { cmd, args } = command(root, spec, file);
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    return new Promise((resolve, reject) => {
      let target: Target | undefined;
      let early = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${spec.name} did not start within 20 s: ${early.slice(-500)}`));
      }, 20_000);
      let pending = "";
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (!line.startsWith(CONTROL_PREFIX)) continue;
          const message = JSON.parse(line.slice(CONTROL_PREFIX.length)) as ControlMessage;
          if (message.kind === "ready") {
            clearTimeout(timer);
            target = new Target(spec, child, message.port);
            resolve(target);
          } else {
            target?.replied(message.id, message.stats, message.error);
          }
        }
      });
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (chunk: string) => {
        if (target) target.stderrTail = (target.stderrTail + chunk).slice(-4000);
        else early = (early + chunk).slice(-4000);
      });
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (!target) reject(new Error(`${spec.name} exited (${code ?? signal}) before it was ready: ${early.slice(-500)}`));
        else target.gone(signal ?? `exit ${code}`);
      });
    });
  }

  /** The server's own figures; `gc` collects garbage first. Rejects if the process is gone. */
  stats(gc = true): Promise<ServerStats> {
    if (this.exitedWith !== undefined) return Promise.reject(new Error(`${this.spec.name} has exited (${this.exitedWith})`));
    const id = this.nextId++;
    const request: ControlRequest = { id, op: "stats", gc };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.spec.name} did not answer the control channel within 15 s`));
      }, 15_000);
      this.waiting.set(id, {
        resolve: (stats) => {
          clearTimeout(timer);
          resolve(stats);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.stdin!.write(JSON.stringify(request) + "\n");
    });
  }

  /** Ends the process (closing stdin makes every fixture exit), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.exitedWith !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  private replied(id: number, stats: ServerStats | undefined, error: string | undefined): void {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    if (stats) waiter.resolve(stats);
    else waiter.reject(new Error(`${this.spec.name}: ${error ?? "no stats"}`));
  }

  private gone(how: string): void {
    this.exitedWith = how;
    for (const waiter of this.waiting.values()) waiter.reject(new Error(`${this.spec.name} exited (${how})`));
    this.waiting.clear();
  }
}
