// One server under test in a fresh process of its runtime, and the load generator's end
// of the control channel (see control-protocol.ts). Only processes started here are ever
// signalled, and only through their own ChildProcess handle.

import { ControlChannel, runtimeCommand } from "./control-channel.js";
import { CONTROL_PREFIX, type ControlRequest, type ServerStats } from "./control-protocol.js";
import type { ServerSpec } from "./servers.js";

export interface SpawnOptions {
  readonly root: string;
  /** Write a CPU profile into this directory (Node and Bun servers; Deno has no such flag). */
  readonly cpuProfileDir?: string;
  /** Show the server's stderr. */
  readonly verbose: boolean;
}

export class ServerProcess {
  private constructor(
    readonly spec: ServerSpec,
    private readonly channel: ControlChannel<ControlRequest, ServerStats>,
  ) {}

  static async start(spec: ServerSpec, file: string, options: SpawnOptions): Promise<ServerProcess> {
    const profile = options.cpuProfileDir ? { dir: options.cpuProfileDir, name: `${spec.name}-${Date.now()}.cpuprofile` } : undefined;
    const channel = await ControlChannel.start<ControlRequest, ServerStats>(runtimeCommand(options.root, spec.runtime, file, profile), {
      name: spec.name,
      prefix: CONTROL_PREFIX,
      root: options.root,
      stderrTail: 2000,
      ...(options.verbose ? { echo: (text: string) => void process.stderr.write(text) } : {}),
    });
    return new ServerProcess(spec, channel);
  }

  get port(): number {
    return this.channel.port;
  }

  /** The server's own CPU/memory figures; `gc` forces a full collection first. */
  stats(gc = false): Promise<ServerStats> {
    return this.channel.request((id) => ({ id, op: "stats", gc }));
  }

  /** Has the server write a heap snapshot (V8 format) to `path`. */
  heapSnapshot(path: string): Promise<ServerStats> {
    return this.channel.request((id) => ({ id, op: "snapshot", path }));
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
  stop(): Promise<void> {
    return this.channel.stop({ id: this.channel.takeId(), op: "exit" });
  }
}
