import { defineConfig } from "tsup";

// One entry per `exports` subpath. The core is bundled per entry (no shared chunks needed
// at this size) and runtime built-ins stay external.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    codec: "src/codec/index.ts",
    node: "runtimes/node/index.ts",
    deno: "runtimes/deno.ts",
    bun: "runtimes/bun.ts",
    cloudflare: "runtimes/cloudflare.ts",
  },
  format: ["esm"],
  target: "es2022",
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
  external: [/^node:/, "cloudflare:workers"],
});
