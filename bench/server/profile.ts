// Reads the V8 CPU profiles (`--cpu-prof`) the Node servers wrote and prints where their
// time went: the top functions by self time, and self time per source file. The servers
// run esbuild bundles, whose `// path/to/file.ts` comments name the source file of each
// line.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, table } from "./report.js";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** For a bundle: the source file each line belongs to. */
function sourceFiles(url: string, cache: Map<string, string[]>): string[] {
  let lines = cache.get(url);
  if (lines) return lines;
  lines = [];
  try {
    const text = readFileSync(url.startsWith("file:") ? fileURLToPath(url) : url, "utf8").split("\n");
    let current = "";
    for (const line of text) {
      const match = /^\/\/ ((?:src|runtimes|bench|node_modules)\/\S+)$/.exec(line);
      if (match) current = match[1]!;
      lines.push(current);
    }
  } catch {
    // Not a readable file (a node: internal): no source names.
  }
  cache.set(url, lines);
  return lines;
}

function shortUrl(url: string): string {
  if (url === "") return "";
  if (url.startsWith("node:")) return url;
  const nm = url.lastIndexOf("node_modules/");
  return nm >= 0 ? url.slice(nm + 13) : url.slice(url.lastIndexOf("/") + 1);
}

export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const cache = new Map<string, string[]>();
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") continue;
    total += micros;
    const source = frame.url ? sourceFiles(frame.url, cache)[frame.lineNumber] ?? "" : "";
    const where = source !== "" ? source : shortUrl(frame.url);
    const name = `${frame.functionName || "(anonymous)"}  ${where}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const fileKey = where !== "" ? (where.startsWith("node:") ? "node: internals" : where) : frame.functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + micros);
  }
  const rows = (map: Map<string, number>, n: number): string[][] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, micros]) => [name, format(micros / 1000, 1), format((100 * micros) / total, 1)]);
  return [
    `#### ${file}`,
    `busy ${format(total / 1000, 0)} ms (idle excluded)`,
    "",
    table(["function (self time)  file:line in bundle", "ms", "%"], rows(byFunction, top)),
    "",
    table(["file (self time)", "ms", "%"], rows(byFile, 15)),
  ].join("\n");
}

export function summarizeProfiles(dir: string): string {
  const files = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile")).sort();
  return files.map((name) => summarizeProfile(join(dir, name))).join("\n\n");
}
