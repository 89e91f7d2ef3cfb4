// The control channel between the load generator and a server process under test.
//
// It rides on the server's stdin/stdout as lines of JSON, each prefixed with
// `CONTROL_PREFIX` so that anything else a server prints cannot be mistaken for a
// reply. Lines on stdin work the same on Node, Bun and Deno, which `child_process.fork`
// IPC does not. The server measures itself: CPU comes from its own
// `process.cpuUsage()` (`Deno.cpuUsage()` on Deno), so the load generator's work
// never enters the figure.

import type { ChannelLine } from "./control-channel.js";

export const CONTROL_PREFIX = "@@bench ";

/** A request from the load generator. */
export type ControlRequest =
  /** Report CPU, memory and live connections; with `gc`, collect garbage first. */
  | { readonly id: number; readonly op: "stats"; readonly gc: boolean }
  /** Write a V8-format heap snapshot to `path`, then report stats. */
  | { readonly id: number; readonly op: "snapshot"; readonly path: string }
  /** Exit cleanly (so that `--cpu-prof` writes its profile). */
  | { readonly id: number; readonly op: "exit" };

/** What a server reports about itself. */
export interface ServerStats {
  /** User + system CPU time of the whole process since it started, in microseconds. */
  readonly cpuMicros: number;
  /** JavaScript heap in use, in bytes (V8 `heapUsed`, JSC heap size on Bun). */
  readonly heapBytes: number;
  /** Resident set size of the process, in bytes. */
  readonly rssBytes: number;
  /** Socket.IO connections on the main namespace that are currently connected. */
  readonly live: number;
}

/** A line from the server: the ready announcement or the reply to one request. */
export type ControlMessage = ChannelLine<ServerStats>;
