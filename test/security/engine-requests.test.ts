// Hostile HTTP requests and upgrade requests into the engine's request handlers, with the
// Socket.IO server on top. Whatever arrives, the answer is one of the protocol's (a status
// from a small set, a JSON error body with a known code), nothing throws or rejects, a
// parked GET is released by the server's close, a bystander connection neither notices nor
// receives anything, and once the server closes no session or deadline is left.

import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EngineResponse } from "../../src/engine/contract.js";
import { ENGINE_ERRORS } from "../../src/engine/errors.js";
import { ENGINE_SEEDS, mutatedText } from "./support/mutate.js";
import { EMPTY, PATH, Peer, WEBSOCKET_HEADERS, footprint, request, settle, world } from "./support/world.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Statuses the engine may answer with, and when. */
const STATUSES = new Set([200, 204, 400, 403, 413, 500]);

/** A value for a query key: plausible ones, a placeholder for the victim's sid, and junk. */
const queryValue = (key: string): fc.Arbitrary<string> => {
  const junk = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 8 }));
  switch (key) {
    case "EIO":
      return fc.oneof(fc.constantFrom("4", "3", "5", "", "04", "4 ", "4.0", "-4"), junk);
    case "transport":
      return fc.oneof(fc.constantFrom("polling", "websocket", "webtransport", "flashsocket", "POLLING", ""), junk);
    case "sid":
      return fc.oneof({ weight: 3, arbitrary: fc.constant("{victim}") }, fc.constantFrom("", "unknown", "id1%00"), junk);
    default:
      return junk;
  }
};

const queryPair: fc.Arbitrary<[string, string]> = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom("EIO", "transport", "sid") },
    fc.constantFrom("t", "b64", "j", "__proto__", "constructor"),
    fc.string({ maxLength: 6 }),
  )
  .chain((key) => queryValue(key).map((value): [string, string] => [key, value]));

/** How the query is written: encoded properly, raw (any junk goes through), or doubled. */
const junkQuery: fc.Arbitrary<string> = fc
  .tuple(fc.array(queryPair, { maxLength: 6 }), fc.constantFrom("encoded", "raw", "doubled"))
  .map(([pairs, style]) => {
    const encode = style === "encoded" ? encodeURIComponent : (s: string) => s;
    const parts = pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`);
    if (style === "doubled") parts.push(...parts);
    return parts.join("&");
  });

/** Half the time a query that reaches the victim's session (and so the payload decoder), with junk around it. */
const queryString: fc.Arbitrary<string> = fc.oneof(
  junkQuery,
  fc
    .tuple(fc.constantFrom("polling", "websocket"), junkQuery, fc.boolean())
    .map(([transport, junk, before]) => {
      const valid = `EIO=4&transport=${transport}&sid={victim}`;
      return before ? `${junk}&${valid}` : `${valid}&t=${junk.length}`;
    }),
);

const path = fc.oneof(
  { weight: 6, arbitrary: fc.constant(PATH) },
  fc.constantFrom("/socket.io", "/socket.io/x/y", "/socket.io//", "/SOCKET.IO/", ""),
);

const headers: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    origin: fc.oneof(fc.constantFrom("http://a.test", "null", "http://a.test\u0000", "\u00ff\u0100"), fc.string({ maxLength: 10 })),
    "content-type": fc.constantFrom(
      "text/plain;charset=UTF-8",
      "application/octet-stream",
      "application/json",
      "multipart/form-data; boundary=x",
      "",
    ),
    "content-length": fc.constantFrom("0", "-1", "1e9", "abc", "99999999999999999999"),
    "user-agent": fc.constantFrom("Mozilla/5.0 (Trident/7.0)", ";MSIE", "x"),
  },
  { requiredKeys: [] },
);

const body = fc.oneof({ weight: 4, arbitrary: mutatedText(ENGINE_SEEDS) }, fc.constant(""), fc.string({ unit: "binary", maxLength: 40 }));

/** Anything at all, mostly near-valid; or a POST / GET that reaches the victim's session. */
const hostileRequest = fc.oneof(
  fc.record({
    method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("GET", "POST") }, fc.constantFrom("OPTIONS", "PUT", "HEAD", "get", ""), fc.string({ maxLength: 5 })),
    path,
    query: queryString,
    headers,
    body,
  }),
  fc.record({
    method: fc.constantFrom("POST", "POST", "POST", "GET"),
    path: fc.constant(PATH),
    query: fc.constantFrom("EIO=4&transport=polling&sid={victim}", "transport=polling&sid={victim}&EIO=4&t=N1"),
    headers,
    body,
  }),
);

const serverConfig = fc.record({
  cors: fc.boolean(),
  allowRequest: fc.boolean(),
  transports: fc.constantFrom<Array<"polling" | "websocket">>(["polling", "websocket"], ["websocket"], ["polling"]),
  maxHttpBufferSize: fc.constantFrom(1e6, 64),
});

/** The body of an error answer is exactly one of the table's `{code, message}` objects (or empty). */
function expectProtocolAnswer(response: EngineResponse, method: string): void {
  expect(STATUSES.has(response.status), `status ${response.status}`).toBe(true);
  if (response.status === 500) expect(["GET", "POST"]).not.toContain(method);
  if (response.status === 204) expect(method).toBe("OPTIONS");
  const body = response.body;
  if ((response.status === 400 || response.status === 403) && typeof body === "string" && body !== "") {
    const parsed = JSON.parse(body) as { code: number; message: string };
    expect(Object.keys(parsed)).toEqual(["code", "message"]);
    const entry = ENGINE_ERRORS[parsed.code as keyof typeof ENGINE_ERRORS];
    expect(entry, body).toBeDefined();
    expect(response.status).toBe(entry.status);
  }
}

describe("hostile HTTP requests", () => {
  it("get only protocol answers, never throw, never disturb a bystander, and leave nothing behind", async () => {
    const consoleError = vi.spyOn(console, "error");
    await fc.assert(
      fc.asyncProperty(serverConfig, fc.array(hostileRequest, { minLength: 1, maxLength: 6 }), async (config, requests) => {
        const w = world({
          ...(config.cors ? { cors: { origin: "*" } } : {}),
          ...(config.allowRequest ? { allowRequest: (req) => req.headers["user-agent"] !== "x" } : {}),
          transports: config.transports,
          maxHttpBufferSize: config.maxHttpBufferSize,
        });
        const bystander = config.transports.includes("websocket") ? await w.joined() : undefined;
        const victim = config.transports.includes("polling") ? (await w.polling()).sid : "none";

        const outcomes: Array<{ method: string; settled: boolean; response?: EngineResponse; error?: unknown }> = [];
        for (const r of requests) {
          const query = r.query.replaceAll("{victim}", victim);
          const outcome: (typeof outcomes)[number] = { method: r.method, settled: false };
          outcomes.push(outcome);
          w.io.engine
            .handleRequest(request(r.method, `${r.path}?${query}`, { body: r.body, headers: r.headers }))
            .then(
              (response) => Object.assign(outcome, { settled: true, response }),
              (error: unknown) => Object.assign(outcome, { settled: true, error }),
            );
          await settle();
        }

        if (bystander !== undefined) {
          expect(bystander.peer.closedWith).toBeUndefined();
          expect(bystander.peer.take()).toEqual([]);
          expect(await w.healthy()).toBe(true);
        }
        // Closing the server answers every parked GET; then nothing may be left.
        await w.io.close();
        w.clock.advance(120_000);
        await settle();
        for (const o of outcomes) {
          expect(o.error).toBeUndefined();
          expect(o.settled).toBe(true);
          expectProtocolAnswer(o.response!, o.method);
        }
        expect(footprint(w.io)).toEqual(EMPTY);
      }),
      { numRuns: 250 },
    );
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("a body just over maxHttpBufferSize is 413; the bystander never notices", async () => {
    const w = world({ maxHttpBufferSize: 100 });
    const bystander = await w.polling();
    const victim = await w.polling();
    expect(await w.post(victim.sid, "40")).toMatchObject({ status: 200, body: "ok" });
    // `42["echo","x…"]`: 13 bytes of frame around the padding.
    const exact = await w.post(victim.sid, `42["echo","${"x".repeat(87)}"]`);
    expect(exact.status).toBe(200);
    const over = await w.post(victim.sid, `42["echo","${"x".repeat(88)}"]`);
    expect(over.status).toBe(413);
    // The oversized body was not delivered; if the victim's session lives on, it still works.
    if (w.io.engine.clients.has(victim.sid)) {
      expect(await w.post(victim.sid, '421["echo","small"]')).toMatchObject({ status: 200, body: "ok" });
    }
    expect(w.io.engine.clients.has(bystander.sid)).toBe(true);
    expect(await w.post(bystander.sid, "40")).toMatchObject({ status: 200, body: "ok" });
  });

  it("a multi-byte body is measured in bytes, not characters", async () => {
    const w = world({ maxHttpBufferSize: 100 });
    const victim = await w.polling();
    // 34 three-byte characters: 34 characters, 103 bytes.
    const response = await w.post(victim.sid, `4${"€".repeat(34)}`);
    expect(response.status).toBe(413);
  });
});

describe("hostile upgrade requests", () => {
  const upgrade = fc.record({
    method: fc.constantFrom("GET", "GET", "POST", "CONNECT", ""),
    query: queryString,
    headers,
    /** The RFC 6455 handshake headers: valid, broken, or missing. */
    handshake: fc.oneof(
      { weight: 4, arbitrary: fc.constant(WEBSOCKET_HEADERS) },
      fc.record({
        "sec-websocket-key": fc.constantFrom("dGhlIHNhbXBsZSBub25jZQ==", "short", "", "dGhlIHNhbXBsZSBub25jZQ"),
        "sec-websocket-version": fc.constantFrom("13", "8", "", "13, 8"),
      }),
      fc.constant({}),
    ),
  });

  it("are refused with the protocol's JSON error before any socket opens, or accepted and then survive garbage", async () => {
    const consoleError = vi.spyOn(console, "error");
    await fc.assert(
      fc.asyncProperty(
        fc.array(upgrade, { minLength: 1, maxLength: 4 }),
        fc.array(mutatedText(ENGINE_SEEDS), { maxLength: 6 }),
        async (upgrades, garbage) => {
          const w = world();
          const bystander = await w.joined();
          const victim = (await w.polling()).sid;
          for (const u of upgrades) {
            const verdict = await w.io.engine.handleUpgrade(
              request(u.method, `${PATH}?${u.query.replaceAll("{victim}", victim)}`, { headers: { ...u.handshake, ...u.headers } }),
            );
            if (verdict.kind === "reject") {
              expectProtocolAnswer(verdict.response, "GET");
              expect([400, 403]).toContain(verdict.response.status);
              continue;
            }
            const peer = new Peer();
            const conn = verdict.open(peer);
            for (const message of garbage) conn.message(message);
            await settle();
            if (peer.closedWith !== undefined) expect([1000, 1001, 1002, 1008, 1009, 1011]).toContain(peer.closedWith.code);
          }
          expect(bystander.peer.closedWith).toBeUndefined();
          expect(bystander.peer.take()).toEqual([]);
          expect(await w.healthy()).toBe(true);
          await w.io.close();
          w.clock.advance(120_000);
          await settle();
          expect(footprint(w.io)).toEqual(EMPTY);
        },
      ),
      { numRuns: 250 },
    );
    expect(consoleError).not.toHaveBeenCalled();
  });
});
