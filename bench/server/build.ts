// Bundles each server fixture with esbuild into one file its runtime can run directly:
// Node and Bun load packages (socket.io, bun-engine) from node_modules; Deno gets a
// self-contained file, since it maps no `./x.js` specifier to a `.ts` file and runs with
// `--no-npm`.

import { build } from "esbuild";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export type BuildResult = { readonly ok: true; readonly file: string } | { readonly ok: false; readonly reason: string };

/** What a fixture bundle needs to know about its server (the load and hostile benches share it). */
export interface FixtureSpec {
  readonly name: string;
  readonly runtime: "node" | "bun" | "deno";
  readonly fixture: string;
  readonly requires: readonly string[];
}

/** Bundles `bench/<bench>/fixtures/<spec.fixture>` into node_modules/.cache/unio-<bench>/. */
export async function buildFixture(root: string, spec: FixtureSpec, bench = "server"): Promise<BuildResult> {
  const missing = spec.requires.filter((path) => !existsSync(join(root, path)));
  if (missing.length > 0) return { ok: false, reason: `not there yet: ${missing.join(", ")}` };
  const outdir = join(root, "node_modules", ".cache", `unio-${bench}`);
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, `${spec.name}.mjs`);
  try {
    await build({
      entryPoints: [join(root, "bench", bench, "fixtures", spec.fixture)],
      outfile: file,
      bundle: true,
      format: "esm",
      target: "es2022",
      platform: spec.runtime === "deno" ? "neutral" : "node",
      ...(spec.runtime === "deno" ? {} : { packages: "external" as const }),
      // A module comment before each bundled file lets profiles name the source file.
      minify: false,
      sourcemap: false,
      logLevel: "silent",
      absWorkingDir: root,
    });
  } catch (error) {
    const firstLine = (error instanceof Error ? error.message : String(error)).split("\n").slice(0, 3).join(" ");
    return { ok: false, reason: `does not build: ${firstLine}` };
  }
  return { ok: true, file };
}
