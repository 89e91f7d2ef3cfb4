// Differential check: for a matrix of options and requests, our CORS headers are exactly the
// ones the `cors` package (which the reference engine runs as middleware) would set.

import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { corsHeaders } from "../../src/engine/cors.js";
import type { CorsOptions } from "../../src/engine/types.js";
import { fakeRequest } from "./fixtures.js";

type Middleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
const cors = createRequire(import.meta.url)("cors") as (options: unknown) => Middleware;

/** Runs the real middleware and returns the headers it set (null: it refused, via next(err)). */
function reference(options: CorsOptions, method: string, headers: Record<string, string>): Promise<Record<string, string> | null> {
  return new Promise((resolve) => {
    const set: Record<string, string> = {};
    const res = {
      statusCode: 200,
      getHeader: (name: string) => set[Object.keys(set).find((k) => k.toLowerCase() === name.toLowerCase()) ?? ""],
      setHeader: (name: string, value: string) => {
        set[name] = String(value);
      },
      end: () => {
        delete set["Content-Length"]; // the shim writes lengths
        resolve(set);
      },
    };
    // The cors package takes origin callbacks node-style; adapt ours to it.
    const origin = options.origin;
    const adapted =
      typeof origin === "function"
        ? {
            ...options,
            origin: (o: string | undefined, cb: (err: unknown, value?: unknown) => void) =>
              Promise.resolve(origin(o)).then((v) => cb(null, v), (e) => cb(e)),
          }
        : options;
    cors(adapted)({ method, headers }, res, (err?: unknown) => resolve(err ? null : set));
  });
}

const OPTION_SETS: CorsOptions[] = [
  {},
  { origin: "*" },
  { origin: "https://fixed.test" },
  { origin: true },
  { origin: /^https:\/\/ok\./ },
  { origin: ["https://a.test", /b\.test$/] },
  { origin: "*", credentials: true, exposedHeaders: ["x-a", "x-b"], maxAge: 0 },
  { origin: true, methods: "GET", allowedHeaders: "content-type", credentials: false, maxAge: 86400 },
  { origin: true, methods: [], allowedHeaders: [], exposedHeaders: "" },
  { origin: (o) => o === "https://ok.test" },
  { origin: async (o) => (o === "https://ok.test" ? "https://other.test" : false) },
];

const REQUESTS: [string, Record<string, string>][] = [
  ["GET", {}],
  ["GET", { origin: "https://ok.test" }],
  ["POST", { origin: "https://b.test" }],
  ["GET", { origin: "https://nope.test" }],
  ["OPTIONS", { origin: "https://ok.test" }],
  ["OPTIONS", { origin: "https://a.test", "access-control-request-headers": "x-custom, content-type" }],
  ["OPTIONS", {}],
];

describe("CORS headers match the cors package", () => {
  OPTION_SETS.forEach((options, i) => {
    it(`option set #${i}`, async () => {
      for (const [method, headers] of REQUESTS) {
        const expected = await reference(options, method, headers);
        const ours = (await corsHeaders(options, fakeRequest(method, "/", { headers }), method === "OPTIONS")) ?? null;
        // The cors package answers a refused origin by calling next() with nothing set.
        const normalised = expected !== null && Object.keys(expected).length === 0 && ours === null ? null : expected;
        expect(ours, `${method} ${JSON.stringify(headers)}`).toEqual(normalised);
      }
    });
  });
});

describe("CORS off", () => {
  it("writes nothing without options or with origin: false", () => {
    expect(corsHeaders(undefined, fakeRequest("GET", "/"), false)).toBeUndefined();
    expect(corsHeaders({ origin: false }, fakeRequest("OPTIONS", "/"), true)).toBeUndefined();
  });
});
