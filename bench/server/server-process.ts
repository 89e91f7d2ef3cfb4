// One server under test in a fresh process of its runtime, and the load generator's end
// of the control channel (see control-protocol.ts). Only processes started here are ever
// signalled, and only through their own ChildProcess handle.

import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { CONTROL_PREFIX, type ControlMessage, type ControlRequest, type ServerStats } from "./control-protocol.js";
import type { ServerSpec } from "./servers.js";

export interface SpawnOptions {
  readonly root: string;
  /** Write a CPU profile into this directory (Node and Bun servers; Deno has no such flag). */
  readonly cpuProfileDir?: string;
  /** Show the server's stderr. */
  readonly verbose: boolean;
}

function command(spec: ServerSpec, file: string, options: SpawnOptions): { cmd: string; args: string[] } {
  const bin = (name: string): string => join(options.root, "node_modules", ".bin", name);
  switch (spec.runtime) {
    case "node": {
      const profile = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${spec.name}-${Date.now()}.cpuprofile`] : [];
      return { cmd: process.execPath, args: ["--expose-gc", ...profile, file] };
    }
    case "bun": {
      const profile = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${spec.name}-${Date.now()}.cpuprofile`] : [];
      return { cmd: bin("bun"), args: [...profile, "run", file] };
    }
    case "deno":
      return {
        cmd: bin("deno"),
        args: ["run", "--no-check", "--no-remote", "--no-npm", "--no-prompt", "--allow-net=127.0.0.1", "--allow-read=/proc/self/stat", "--v8-flags=--expose-gc", file],
      };
  }
}

export class ServerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (stats: ServerStats) => void; reject: (error: Error) => void }>();
  private exited = false;
  private stderrTail = "";

  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
    readonly port: number,
    readonly runtimeVersion: string,
  ) {}

  static start(spec: ServerSpec, file: string, options: SpawnOptions): Promise<ServerProcess> {
    const { cmd, args } = command(spec, file, options);
    const child = spawn(cmd, args, {
      cwd: options.root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    return new Promise((resolve, reject) => {
      let server: ServerProcess | undefined;
      let stderr = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${spec.name} did not start within 20 s: ${stderr.slice(-500)}`));
      }, 20_000);
      let pending = "";
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (chunk: string) => {
        pending += chunk;
        let newline = pending.indexOf("\n");
        while (newline >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          newline = pending.indexOf("\n");
          if (!line.startsWith(CONTROL_PREFIX)) {
            if (options.verbose) process.stderr.write(`[${spec.name}] ${line}\n`);
            continue;
          }
          const message = JSON.parse(line.slice(CONTROL_PREFIX.length)) as ControlMessage;
          if (message.kind === "ready") {
            clearTimeout(timer);
            server = new ServerProcess(spec, child, message.port, message.runtime);
            resolve(server);
          } else {
            server?.replied(message.id, message.stats, message.error);
          }
        }
      });
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (chunk: string) => {
        if (options.verbose) process.stderr.write(`[${spec.name}] ${chunk}`);
        if (server) server.stderrTail = (server.stderrTail + chunk).slice(-2000);
        else stderr = (stderr + chunk).slice(-2000);
      });
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (!server) reject(new Error(`${spec.name} exited (${code ?? signal}) before it was ready: ${stderr.slice(-500)}`));
        else server.gone(`${code ?? signal}`);
      });
    });
  }

  /** The server's own CPU/memory figures; `gc` forces a full collection first. */
  stats(gc = false): Promise<ServerStats> {
    return this.request((id) => ({ id, op: "stats", gc }));
  }

  /** Has the server write a heap snapshot (V8 format) to `path`. */
  heapSnapshot(path: string): Promise<ServerStats> {
    return this.request((id) => ({ id, op: "snapshot", path }));
  }

  private request(make: (id: number) => ControlRequest): Promise<ServerStats> {
    if (this.exited) return Promise.reject(new Error(`${this.spec.name} has exited: ${this.stderrTail.slice(-500)}`));
    const request = make(this.nextId++);
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.child.stdin!.write(JSON.stringify(request) + "\n");
    });
  }

  /** Polls until the server reports `live` connections or fewer; returns the last stats. */
  async waitLive(atMost: number, timeoutMs: number): Promise<ServerStats> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const stats = await this.stats(false);
      if (stats.live <= atMost) return stats;
      if (performance.now() > deadline) throw new Error(`${this.spec.name} still has ${stats.live} live connections after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Asks the server to exit (so a CPU profile gets written), then makes sure it did. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    const request: ControlRequest = { id: this.nextId++, op: "exit" };
    this.child.stdin!.write(JSON.stringify(request) + "\n");
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
    this.exited = true;
    for (const waiter of this.waiting.values()) waiter.reject(new Error(`${this.spec.name} exited (${how}): ${this.stderrTail.slice(-500)}`));
    this.waiting.clear();
  }
}
