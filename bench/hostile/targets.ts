// The servers the hostile client attacks, each in a fresh child process of its runtime,
// and this process's end of the control channel. Only processes started here are ever
// signalled, through their own ChildProcess handle.

import { buildFixture, type BuildResult } from "../server/build.js";
import { ControlChannel, runtimeCommand } from "../server/control-channel.js";
import { CONTROL_PREFIX, type ControlRequest, type ServerStats } from "./control-protocol.js";

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

/** One server process under attack. */
export class Target {
  private constructor(
    readonly spec: TargetSpec,
    private readonly channel: ControlChannel<ControlRequest, ServerStats>,
  ) {}

  static async start(root: string, spec: TargetSpec, file: string): Promise<Target> {
    const channel = await ControlChannel.start<ControlRequest, ServerStats>(runtimeCommand(root, spec.runtime, file), {
      name: spec.name,
      prefix: CONTROL_PREFIX,
      root,
      stderrTail: 4000,
    });
    return new Target(spec, channel);
  }

  get port(): number {
    return this.channel.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Undefined while running; how it ended otherwise ("exit 1", "SIGABRT", …). */
  get exited(): string | undefined {
    return this.channel.exited;
  }

  /** The end of the server's stderr. */
  get stderrTail(): string {
    return this.channel.stderrTail;
  }

  /** The server's own figures; `gc` collects garbage first. Rejects if the process is gone or silent for 15 s. */
  stats(gc = true): Promise<ServerStats> {
    return this.channel.request((id) => ({ id, op: "stats", gc }), 15_000);
  }

  /** Ends the process (closing stdin makes every fixture exit), SIGKILL after 5 s. */
  stop(): Promise<void> {
    return this.channel.stop();
  }
}
