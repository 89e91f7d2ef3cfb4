// The benchmark's driver: builds the fixtures, runs every scenario against every server
// (fresh process each time, the server order rotated between repeats so that a busy
// moment on the shared machine does not always hit the same server), prints the tables.

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { buildFixture } from "./build.js";
import { parseOptions, USAGE, type BenchOptions } from "./options.js";
import { summarizeProfiles } from "./profile.js";
import { scenarioTable } from "./report.js";
import { Results } from "./results.js";
import { heapReports } from "./scenarios/idle.js";
import { selectScenarios } from "./scenarios/index.js";
import type { Scenario } from "./scenarios/scenario.js";
import { ServerProcess } from "./server-process.js";
import { selectServers, type ServerSpec } from "./servers.js";
import { targetsTable } from "./targets.js";

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function findRoot(): string {
  const root = process.cwd();
  if (!existsSync(join(root, "bench", "server", "fixtures"))) throw new Error("run from the repository root");
  return root;
}

async function runOne(scenario: Scenario, spec: ServerSpec, file: string, options: BenchOptions, root: string, results: Results): Promise<void> {
  const cell = results.cell(scenario.name, spec);
  const started = performance.now();
  let server: ServerProcess | undefined;
  try {
    server = await ServerProcess.start(spec, file, {
      root,
      verbose: options.verbose,
      ...(options.profileDir && spec.runtime !== "deno" ? { cpuProfileDir: options.profileDir } : {}),
    });
    const metrics = await scenario.run({ server, options });
    cell.runs.push(metrics);
    const shown = Object.entries(metrics)
      .map(([key, value]) => `${key} ${value.toFixed(key === "rate" ? 0 : 2)}`)
      .join(", ");
    log(`  ${scenario.name} ${spec.name}: ${shown} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    cell.errors.push(message);
    log(`  ${scenario.name} ${spec.name}: FAILED ${message}`);
  } finally {
    await server?.stop();
  }
}

export async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseOptions(argv);
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const options: BenchOptions = {
    ...parsed,
    profileDir: parsed.profileDir === undefined ? undefined : resolve(parsed.profileDir),
    heapSnapshotDir: parsed.heapSnapshotDir === undefined ? undefined : resolve(parsed.heapSnapshotDir),
  };
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  if (options.heapSnapshotDir) mkdirSync(options.heapSnapshotDir, { recursive: true });
  const root = findRoot();
  const scenarios = selectScenarios(options.only);
  const specs = selectServers(options.servers);

  const files = new Map<string, string>();
  for (const spec of specs) {
    const built = await buildFixture(root, spec);
    if (built.ok) files.set(spec.name, built.file);
    else log(`skipping ${spec.name}: ${built.reason}`);
  }
  const available = specs.filter((spec) => files.has(spec.name));

  const started = performance.now();
  console.log(`## Server benchmark — ${new Date().toISOString().slice(0, 10)}`);
  console.log("");
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load generator: Node ${process.version}, ${options.client} WebSocket client.`);
  console.log(`Servers: ${available.map((spec) => spec.label).join(", ")}. Each in a fresh process per scenario and repeat; ${options.warmupMs} ms warm-up (polling: ${options.pollingWarmupMs} ms), ${options.durationMs} ms measured (handshakes and polling: ${options.slowDurationMs} ms), ${options.repeats} repeats, medians shown.`);
  console.log("srv µs: the server process's own CPU time (user + system) per operation; lg µs: the load generator's.");

  const results = new Results();
  for (const scenario of scenarios) {
    const servers = available.filter((spec) => !scenario.polling || spec.polling);
    if (servers.length === 0) continue;
    log(`${scenario.name}: ${scenario.title(options)}`);
    const repeats = scenario.repeats?.(options) ?? options.repeats;
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const spec of rotate(servers, repeat)) await runOne(scenario, spec, files.get(spec.name)!, options, root, results);
    }
    console.log("");
    console.log(scenarioTable(scenario, results, options));
  }
  console.log("");
  console.log(targetsTable(results, options));
  console.log("");
  console.log(`Total time ${((performance.now() - started) / 1000).toFixed(0)} s.`);

  if (options.jsonFile) writeFileSync(options.jsonFile, JSON.stringify({ options, results }, null, 2));
  if (options.profileDir) {
    console.log("");
    console.log(summarizeProfiles(options.profileDir));
  }
  for (const report of heapReports) {
    console.log("");
    console.log(report);
  }
  return 0;
}
