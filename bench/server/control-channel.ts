// A server under test in a child process of its runtime, and this process's end of the
// control channel: lines of JSON on the child's stdin/stdout, each prefixed so that anything
// else the server prints is not mistaken for a reply. The load bench (server-process.ts) and
// the hostile bench (hostile/targets.ts) speak their own requests over it. Only processes
// started here are ever signalled, and only through their own ChildProcess handle.

import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Runtime } from "./servers.js";

/** What a server prints on the channel: once "ready", then one reply per request. */
export type ChannelLine<Stats> =
  | { readonly kind: "ready"; readonly port: number; readonly runtime: string }
  | { readonly kind: "reply"; readonly id: number; readonly stats?: Stats; readonly error?: string };

/** The command that runs a bundled fixture `file` on `runtime`; `profile` adds a CPU profile (Node, Bun). */
export function runtimeCommand(root: string, runtime: Runtime, file: string, profile?: { dir: string; name: string }): { cmd: string; args: string[] } {
  const bin = (name: string): string => join(root, "node_modules", ".bin", name);
  const cpuProf = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile.dir}`, `--cpu-prof-name=${profile.name}`] : [];
  switch (runtime) {
    case "node":
      return { cmd: process.execPath, args: ["--expose-gc", ...cpuProf, file] };
    case "bun":
      return { cmd: bin("bun"), args: [...cpuProf, "run", file] };
    case "deno":
      return {
        cmd: bin("deno"),
        args: ["run", "--no-check", "--no-remote", "--no-npm", "--no-prompt", "--allow-net=127.0.0.1", "--allow-read=/proc/self/stat", "--v8-flags=--expose-gc", file],
      };
  }
}

export interface ChannelOptions {
  /** The server's name, in errors. */
  readonly name: string;
  /** The prefix of the channel's lines. */
  readonly prefix: string;
  readonly root: string;
  /** How much of the server's stderr to keep for error messages. */
  readonly stderrTail: number;
  /** Copies the server's other output (lines of stdout, chunks of stderr) here. */
  readonly echo?: (text: string) => void;
}

export class ControlChannel<Request extends { readonly id: number }, Stats> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (stats: Stats) => void; reject: (error: Error) => void }>();
  private exitedWith: string | undefined;
  /** The end of the server's stderr. */
  stderrTail = "";

  private constructor(
    private readonly options: ChannelOptions,
    private readonly child: ChildProcess,
    /** The port the server listens on, from its "ready" line. */
    readonly port: number,
  ) {}

  /** Undefined while running; how it ended otherwise ("exit 1", "SIGABRT", …). */
  get exited(): string | undefined {
    return this.exitedWith;
  }

  /** Starts `command` and resolves once it says "ready" (within 20 s). */
  static start<Request extends { readonly id: number }, Stats>(
    command: { cmd: string; args: string[] },
    options: ChannelOptions,
  ): Promise<ControlChannel<Request, Stats>> {
    const child = spawn(command.cmd, command.args, {
      cwd: options.root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    const { name, prefix, echo } = options;
    return new Promise((resolve, reject) => {
      let channel: ControlChannel<Request, Stats> | undefined;
      let early = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${name} did not start within 20 s: ${early.slice(-500)}`));
      }, 20_000);
      let pending = "";
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (!line.startsWith(prefix)) {
            echo?.(`[${name}] ${line}\n`);
            continue;
          }
          const message = JSON.parse(line.slice(prefix.length)) as ChannelLine<Stats>;
          if (message.kind === "ready") {
            clearTimeout(timer);
            channel = new ControlChannel(options, child, message.port);
            resolve(channel);
          } else {
            channel?.replied(message.id, message.stats, message.error);
          }
        }
      });
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (chunk: string) => {
        echo?.(`[${name}] ${chunk}`);
        if (channel) channel.stderrTail = (channel.stderrTail + chunk).slice(-options.stderrTail);
        else early = (early + chunk).slice(-options.stderrTail);
      });
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (!channel) reject(new Error(`${name} exited (${code ?? signal}) before it was ready: ${early.slice(-500)}`));
        else channel.gone(signal ?? `exit ${code}`);
      });
    });
  }

  /** Sends the request `make` builds with a fresh id; rejects if the server is gone or, with `timeoutMs`, silent. */
  request(make: (id: number) => Request, timeoutMs?: number): Promise<Stats> {
    const { name } = this.options;
    if (this.exitedWith !== undefined) return Promise.reject(new Error(`${name} has exited (${this.exitedWith}): ${this.stderrTail.slice(-500)}`));
    const request = make(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.waiting.delete(request.id);
              reject(new Error(`${name} did not answer the control channel within ${timeoutMs} ms`));
            }, timeoutMs);
      this.waiting.set(request.id, {
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

  /** Ends the process: writes `last` (if given), closes stdin (every fixture exits then), SIGKILL after 5 s. */
  async stop(last?: Request): Promise<void> {
    if (this.exitedWith !== undefined) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (last !== undefined) this.child.stdin!.write(JSON.stringify(last) + "\n");
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** A fresh id, for a request sent through `stop`. */
  takeId(): number {
    return this.nextId++;
  }

  private replied(id: number, stats: Stats | undefined, error: string | undefined): void {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    if (stats) waiter.resolve(stats);
    else waiter.reject(new Error(`${this.options.name}: ${error ?? "no stats"}`));
  }

  private gone(how: string): void {
    this.exitedWith = how;
    for (const waiter of this.waiting.values()) waiter.reject(new Error(`${this.options.name} exited (${how}): ${this.stderrTail.slice(-500)}`));
    this.waiting.clear();
  }
}
