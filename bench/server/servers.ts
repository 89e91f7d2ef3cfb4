// The servers the benchmark knows. Each runs in a fresh process of its own runtime; the
// unio ones need the engineers' entry points and are skipped (with the reason printed)
// until those files exist and bundle.

export type Runtime = "node" | "bun" | "deno";

/** What a server is in the comparison: the one under test, the reference, or the ceiling. */
export type Role = "unio" | "reference" | "ceiling";

export interface ServerSpec {
  /** The name on the command line (`--servers`). */
  readonly name: string;
  /** The name in tables. */
  readonly label: string;
  readonly runtime: Runtime;
  readonly role: Role;
  /** The fixture, relative to bench/server/fixtures/. */
  readonly fixture: string;
  /** Repository files that must exist before the fixture can be built. */
  readonly requires: readonly string[];
  /** Whether it speaks HTTP long-polling (the raw ceilings do not). */
  readonly polling: boolean;
}

export const SERVERS: readonly ServerSpec[] = [
  { name: "unio", label: "unio (node)", runtime: "node", role: "unio", fixture: "node-unio.ts", requires: ["src/index.ts", "runtimes/node/index.ts"], polling: true },
  { name: "socketio", label: "socket.io (node)", runtime: "node", role: "reference", fixture: "node-socketio.ts", requires: [], polling: true },
  { name: "raw", label: "raw ws (node)", runtime: "node", role: "ceiling", fixture: "node-raw.ts", requires: [], polling: false },
  { name: "unio-bun", label: "unio (bun)", runtime: "bun", role: "unio", fixture: "bun-unio.ts", requires: ["src/index.ts", "runtimes/bun.ts"], polling: true },
  { name: "bunengine", label: "socket.io+bun-engine", runtime: "bun", role: "reference", fixture: "bun-socketio.ts", requires: [], polling: true },
  { name: "raw-bun", label: "raw Bun.serve", runtime: "bun", role: "ceiling", fixture: "bun-raw.ts", requires: [], polling: false },
  { name: "unio-deno", label: "unio (deno)", runtime: "deno", role: "unio", fixture: "deno-unio.ts", requires: ["src/index.ts", "runtimes/deno.ts"], polling: true },
  { name: "raw-deno", label: "raw Deno.serve", runtime: "deno", role: "ceiling", fixture: "deno-raw.ts", requires: [], polling: false },
];

/** Resolves `--servers` names; `node`, `bun` and `deno` stand for a runtime's servers. */
export function selectServers(names: readonly string[] | undefined): ServerSpec[] {
  if (!names) return [...SERVERS];
  const chosen = new Set<ServerSpec>();
  for (const name of names) {
    const matches = SERVERS.filter((spec) => spec.name === name || spec.runtime === name);
    if (matches.length === 0) throw new Error(`unknown server "${name}" (known: ${SERVERS.map((s) => s.name).join(", ")}, node, bun, deno)`);
    for (const spec of matches) chosen.add(spec);
  }
  return SERVERS.filter((spec) => chosen.has(spec));
}
