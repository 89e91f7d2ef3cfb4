// The control channel between the hostile client (this process) and a server under attack
// (a child process). Lines of JSON on the server's stdin/stdout, prefixed so that anything
// else the server prints is not mistaken for a reply. Works the same on Node, Deno and Bun.

import type { ChannelLine } from "../server/control-channel.js";

export const CONTROL_PREFIX = "@@hostile ";

/** A request to the server: its own figures (after a full GC when `gc`). */
export interface ControlRequest {
  readonly id: number;
  readonly op: "stats";
  readonly gc: boolean;
}

/** What a server reports about itself. Counts a server cannot give are omitted. */
export interface ServerStats {
  /** Resident set size of the whole process, bytes. */
  readonly rssBytes: number;
  /** JavaScript heap in use, bytes. */
  readonly heapBytes: number;
  /** Memory held by ArrayBuffers outside the heap, bytes (reserved, even where no page is touched yet). */
  readonly externalBytes: number;
  /**
   * Memory figures this server could not measure (each sent as 0): workerd's, when its
   * process or its inspector could not be reached. Tables print "n/a" for them.
   */
  readonly unmeasured?: ReadonlyArray<MemoryFigure>;
  /** Engine.IO sessions open. */
  readonly sessions: number;
  /** Pending deadlines in the core's timer heap (unio only). */
  readonly timers?: number;
  /** Socket.IO sockets connected, all namespaces. */
  readonly sockets: number;
  /** Namespaces that exist (static and dynamic children). */
  readonly namespaces: number;
  /** Application errors reported through `onUserError` (unio only). */
  readonly userErrors?: number;
}

export type MemoryFigure = "rssBytes" | "heapBytes" | "externalBytes";

/** `stats[figure]` in MB with `digits` decimals, or "n/a" when the server could not measure it. */
export function megabytes(stats: ServerStats, figure: MemoryFigure, digits = 0): string {
  return stats.unmeasured?.includes(figure) ? "n/a" : (stats[figure] / (1024 * 1024)).toFixed(digits);
}

/** Whether `figure` was measured in every one of `stats`. */
export function measured(figure: MemoryFigure, ...stats: readonly ServerStats[]): boolean {
  return stats.every((s) => !(s.unmeasured?.includes(figure) ?? false));
}

export type ControlMessage = ChannelLine<ServerStats>;
