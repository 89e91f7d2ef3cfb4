// The hostile client's driver: for every server and every attack family, a fresh server
// process; its memory before (after a full GC); the attack; a health check with the
// official client; its memory after. Prints a table family × server, then the details.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { healthy } from "./clients/health.js";
import type { Family, FamilyResult, HostileOptions } from "./family.js";
import { churn } from "./families/churn.js";
import { handshake } from "./families/handshake.js";
import { polling } from "./families/polling.js";
import { slowConnections } from "./families/slow-connections.js";
import { slowConsumers } from "./families/slow-consumers.js";
import { socketio } from "./families/socketio.js";
import { takeover } from "./families/takeover.js";
import { userCode } from "./families/user-code.js";
import { wsFraming } from "./families/ws-framing.js";
import { wsMemory } from "./families/ws-memory.js";
import { measured } from "./control-protocol.js";
import { buildTarget, Target, TARGETS, type TargetSpec } from "./targets.js";

export const FAMILIES: readonly Family[] = [wsFraming, handshake, polling, socketio, takeover, userCode, slowConsumers, wsMemory, slowConnections, churn];

const USAGE = `Attacks running servers over loopback and reports who survives.

  node scripts/run-ts.mjs bench/hostile.bench.ts [options]

  --servers a,b     ${TARGETS.map((t) => t.name).join(", ")} (default: all)
  --families a,b    ${FAMILIES.map((f) => f.name).join(", ")} (default: all)
  --scale x         multiply the bounded loops (default 1; 0.2 for a quick run)
  --hold s          seconds half-open connections are held (default 15; 330 shows every runtime timeout)
  --help`;

interface Cell {
  readonly spec: TargetSpec;
  readonly family: Family;
  readonly result?: FamilyResult;
  readonly error?: string;
  readonly survived: boolean;
  readonly health: string;
  readonly rssBefore?: number;
  readonly rssAfter?: number;
}

const MB = 1024 * 1024;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function parse(argv: readonly string[]): { servers: TargetSpec[]; families: Family[]; options: HostileOptions } | "help" {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes("--help")) return "help";
  const pick = <T extends { name: string }>(all: readonly T[], list: string | undefined, what: string): T[] => {
    if (list === undefined) return [...all];
    return list.split(",").map((name) => {
      const found = all.find((x) => x.name === name);
      if (!found) throw new Error(`unknown ${what} "${name}"`);
      return found;
    });
  };
  return {
    servers: pick(TARGETS, value("--servers"), "server"),
    families: pick(FAMILIES, value("--families"), "family"),
    options: { scale: Number(value("--scale") ?? 1), holdSeconds: Number(value("--hold") ?? 15) },
  };
}

async function attack(root: string, spec: TargetSpec, file: string, family: Family, options: HostileOptions): Promise<Cell> {
  let target = await Target.start(root, spec, file);
  const started: Target[] = [target];
  try {
    const before = await target.stats(true);
    const ctx = {
      get target() {
        return target;
      },
      options,
      restart: async () => {
        target = await Target.start(root, spec, file);
        started.push(target);
        return target;
      },
      log,
    };
    let result: FamilyResult | undefined;
    let error: string | undefined;
    try {
      result = await family.run(ctx);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const crashed = (result?.crashes ?? 0) > 0 || started.some((t) => t.exited !== undefined);
    await new Promise((r) => setTimeout(r, 500));
    const health = target.exited === undefined ? await healthy(target.url) : `dead (${target.exited})`;
    const after = target.exited === undefined && target === started[0] ? await target.stats(true) : undefined;
    return {
      spec,
      family,
      ...(result ? { result } : {}),
      ...(error ? { error } : {}),
      survived: !crashed && health === "ok",
      health,
      ...(measured("rssBytes", before) ? { rssBefore: before.rssBytes } : {}),
      ...(after && measured("rssBytes", after) ? { rssAfter: after.rssBytes } : {}),
    };
  } finally {
    for (const t of started) await t.stop();
  }
}

function cellText(cell: Cell | undefined): string {
  if (!cell) return "";
  const survived = cell.survived ? "yes" : cell.health.startsWith("dead") || (cell.result?.crashes ?? 0) > 0 ? "**CRASHED**" : `no (${cell.health.slice(0, 40)})`;
  // ✓: every answer was the protocol's (or the server held its bound); ✗: at least one was not.
  // "runtime": the family's answers come (partly) from the runtime, not from unio (see the notes).
  const owner = cell.spec.runtimeOwns?.[cell.family.name] === undefined ? "" : "runtime: ";
  const answer = cell.error ? `error: ${cell.error.slice(0, 50)}` : cell.result ? `${cell.result.asExpected ? "✓" : "✗"} ${owner}${cell.result.answer}` : "";
  const delta =
    cell.rssBefore !== undefined && cell.rssAfter !== undefined ? `${cell.rssAfter >= cell.rssBefore ? "+" : ""}${((cell.rssAfter - cell.rssBefore) / MB).toFixed(0)} MB` : "n/a";
  const peak = cell.result?.peakRssBytes !== undefined && cell.rssBefore !== undefined ? ` (peak +${((cell.result.peakRssBytes - cell.rssBefore) / MB).toFixed(0)} MB)` : "";
  return `${survived} · ${answer} · ${delta}${peak}`;
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parse(argv);
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const root = process.cwd();
  if (!existsSync(join(root, "bench", "hostile"))) throw new Error("run from the repository root");
  const { servers, families, options } = parsed;
  const cells: Cell[] = [];
  const skipped: string[] = [];
  for (const spec of servers) {
    const built = await buildTarget(root, spec);
    if (!built.ok) {
      skipped.push(`${spec.label}: ${built.reason}`);
      log(`${spec.label}: skipped, ${built.reason}`);
      continue;
    }
    for (const family of families) {
      const t0 = performance.now();
      try {
        const cell = await attack(root, spec, built.file, family, options);
        cells.push(cell);
        log(`${spec.label} × ${family.name}: ${cellText(cell)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        cells.push({ spec, family, error: message, survived: false, health: "not started" });
        log(`${spec.label} × ${family.name}: FAILED ${message}`);
      }
    }
  }

  const shown = servers.filter((s) => cells.some((c) => c.spec === s));
  console.log(`\n## Hostile clients: survived? · protocol answer (✓ all as the protocol says, ✗ not) · RSS after − before (after a full GC)\n`);
  console.log(`| family | ${shown.map((s) => s.label).join(" | ")} |`);
  console.log(`|---|${shown.map(() => "---").join("|")}|`);
  for (const family of families) {
    console.log(`| ${family.name} | ${shown.map((s) => cellText(cells.find((c) => c.spec === s && c.family === family))).join(" | ")} |`);
  }
  for (const line of skipped) console.log(`\nskipped: ${line}`);
  for (const spec of shown) {
    const owned = families.filter((f) => spec.runtimeOwns?.[f.name] !== undefined);
    if (owned.length === 0) continue;
    console.log(`\n"runtime" on ${spec.label}: what its runtime, not unio, answers there (run and measured all the same):`);
    for (const f of owned) console.log(`- ${f.name}: ${spec.runtimeOwns?.[f.name]}`);
  }
  console.log(`\n## Details\n`);
  for (const family of families) {
    console.log(`### ${family.name}: ${family.title}\n`);
    for (const spec of shown) {
      const cell = cells.find((c) => c.spec === spec && c.family === family);
      if (!cell) continue;
      console.log(`- **${spec.label}** (health after: ${cell.health})`);
      for (const line of cell.result?.details ?? []) console.log(`  - ${line}`);
      if (cell.error) console.log(`  - error: ${cell.error}`);
    }
    console.log("");
  }
  return cells.every((c) => c.survived || c.spec.name === "socketio") ? 0 : 1;
}
