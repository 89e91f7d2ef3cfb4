import { describe, expect, it } from "vitest";
import { EngineServer } from "../../src/engine/server.js";
import type { EngineOptions, HandshakeRequest } from "../../src/engine/types.js";
import { FakePeer, Q, WEBSOCKET_HANDSHAKE, fakeRequest, harness, pollingSession, settle } from "./fixtures.js";

describe("options", () => {
  it("resolves the reference defaults", () => {
    const engine = new EngineServer();
    expect(engine.options).toMatchObject({
      pingInterval: 25000,
      pingTimeout: 20000,
      upgradeTimeout: 10000,
      maxHttpBufferSize: 1e6,
      maxBufferedBytes: 1e7,
      path: "/engine.io/",
      transports: ["polling", "websocket"],
      allowUpgrades: true,
    });
  });

  it("normalises the path to end with a slash and matches it as a prefix of the path part", () => {
    const engine = new EngineServer({ path: "/socket.io" });
    expect(engine.options.path).toBe("/socket.io/");
    expect(engine.handles("/socket.io/?EIO=4&transport=polling")).toBe(true);
    expect(engine.handles("/socket.io/")).toBe(true);
    expect(engine.handles("/socket.io?EIO=4")).toBe(false);
    expect(engine.handles("/other/?x=/socket.io/")).toBe(false);
    expect(engine.handles("/socket.iox/")).toBe(false);
  });

  it("throws at once on a bad option (local misuse)", () => {
    expect(() => new EngineServer({ pingInterval: 0 })).toThrow(TypeError);
    expect(() => new EngineServer({ transports: [] })).toThrow(TypeError);
  });

  // Each would otherwise reach the wire: JSON writes Infinity and NaN as null, and a client
  // timer longer than 2^31 - 1 ms fires at once.
  const bad: [string, EngineOptions, string][] = [
    ["maxHttpBufferSize Infinity", { maxHttpBufferSize: Number.POSITIVE_INFINITY }, "EngineOptions.maxHttpBufferSize must be a positive whole number of bytes"],
    ["maxHttpBufferSize NaN", { maxHttpBufferSize: Number.NaN }, "EngineOptions.maxHttpBufferSize"],
    ["maxHttpBufferSize 0", { maxHttpBufferSize: 0 }, "EngineOptions.maxHttpBufferSize"],
    ["maxHttpBufferSize 1.5", { maxHttpBufferSize: 1.5 }, "EngineOptions.maxHttpBufferSize"],
    ["maxHttpBufferSize 2^53", { maxHttpBufferSize: 2 ** 53 }, "EngineOptions.maxHttpBufferSize"],
    ["maxBufferedBytes Infinity", { maxBufferedBytes: Number.POSITIVE_INFINITY }, "EngineOptions.maxBufferedBytes"],
    ["maxBufferedBytes -1", { maxBufferedBytes: -1 }, "EngineOptions.maxBufferedBytes"],
    ["pingInterval Infinity", { pingInterval: Number.POSITIVE_INFINITY }, "EngineOptions.pingInterval must be a whole number of ms"],
    ["pingTimeout NaN", { pingTimeout: Number.NaN }, "EngineOptions.pingTimeout"],
    ["pingTimeout 0.5", { pingTimeout: 0.5 }, "EngineOptions.pingTimeout"],
    ["upgradeTimeout 2^31", { upgradeTimeout: 2 ** 31 }, "EngineOptions.upgradeTimeout"],
    ["pingInterval + pingTimeout over 2^31 - 1", { pingInterval: 2 ** 30, pingTimeout: 2 ** 30 }, "pingInterval + pingTimeout must be at most 2147483647"],
    ["a string number", { pingInterval: "25000" as unknown as number }, "EngineOptions.pingInterval"],
    ["path without a leading slash", { path: "socket.io" }, 'EngineOptions.path must be a string starting with "/"'],
    ["transports not an array", { transports: "polling" as unknown as ["polling"] }, "EngineOptions.transports"],
    ["allowUpgrades a string", { allowUpgrades: "no" as unknown as boolean }, "EngineOptions.allowUpgrades must be true or false"],
    ["generateId not a function", { generateId: "id" as unknown as () => string }, "EngineOptions.generateId must be a function"],
    ["allowRequest not a function", { allowRequest: true as unknown as () => boolean }, "EngineOptions.allowRequest must be a function"],
  ];
  for (const [what, options, message] of bad) {
    it(`refuses ${what} at construction`, () => {
      expect(() => new EngineServer(options)).toThrow(TypeError);
      expect(() => new EngineServer(options)).toThrow(message);
    });
  }

  it("announces the largest accepted limits exactly", async () => {
    const h = harness({ maxHttpBufferSize: Number.MAX_SAFE_INTEGER, pingInterval: 2 ** 30, pingTimeout: 2 ** 30 - 1 });
    const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    expect(res.body).toBe(
      '0{"sid":"s1","upgrades":["websocket"],"pingInterval":1073741824,"pingTimeout":1073741823,"maxPayload":9007199254740991}',
    );
  });
});

describe("polling handshake", () => {
  it("answers 0{sid,upgrades,pingInterval,pingTimeout,maxPayload} with exactly these keys", async () => {
    const h = harness();
    const res = await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=4&transport=polling&t=abc"));
    expect(res.status).toBe(200);
    expect(res.body).toBe('0{"sid":"s1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    expect(res.headers).toEqual({ "Content-Type": "text/plain; charset=UTF-8", "cache-control": "no-store" });
    expect(h.engine.clientsCount).toBe(1);
    expect(h.engine.clients.get("s1")).toBe(h.sockets[0]);
    const socket = h.sockets[0]!;
    expect(socket.id).toBe("s1");
    expect(socket.protocol).toBe(4);
    expect(socket.transport.name).toBe("polling");
    expect(socket.readyState).toBe("open");
  });

  it("keeps the handshake request: url, headers, parsed query, address, TLS", async () => {
    const h = harness();
    await h.engine.handleRequest(
      fakeRequest("GET", "/engine.io/?EIO=4&transport=polling&token=a%20b+c&x=1&x=2&flag", {
        headers: { "user-agent": "test" },
        remoteAddress: "10.0.0.7",
        secure: true,
      }),
    );
    const req = h.sockets[0]!.request;
    expect(req.url).toBe("/engine.io/?EIO=4&transport=polling&token=a%20b+c&x=1&x=2&flag");
    expect(req.headers).toEqual({ "user-agent": "test" });
    expect(req.query).toEqual({ EIO: "4", transport: "polling", token: "a b c", x: "2", flag: "" });
    expect(req.remoteAddress).toBe("10.0.0.7");
    expect(req.secure).toBe(true);
  });

  it("announces no upgrades when they are disabled or websocket is not enabled", async () => {
    const a = harness({ allowUpgrades: false });
    expect((await a.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`))).body).toBe(
      '0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
    );
    const b = harness({ transports: ["polling"], pingInterval: 300, pingTimeout: 200, maxHttpBufferSize: 500 });
    expect((await b.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`))).body).toBe(
      '0{"sid":"s1","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":500}',
    );
  });

  it("includes what the connection listeners sent in the handshake payload", async () => {
    const h = harness();
    h.engine.on("connection", (socket) => socket.send("welcome"));
    const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    expect(res.body).toBe(
      '0{"sid":"s1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}\x1e4welcome',
    );
  });

  it("refuses a repeated id with code 3 rather than taking over the live session", async () => {
    const h = harness({ generateId: () => "same" });
    await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    expect(res.status).toBe(400);
    expect(res.body).toBe('{"code":3,"message":"Bad request"}');
    expect(h.engine.clientsCount).toBe(1);
  });
});

describe("websocket handshake", () => {
  it("accepts, then sends the open packet with no upgrades as the first frame", async () => {
    const h = harness();
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
    expect(verdict.kind).toBe("accept");
    if (verdict.kind !== "accept") return;
    expect(h.engine.clientsCount).toBe(0); // nothing exists before the shim's 101
    const peer = new FakePeer();
    verdict.open(peer);
    expect(peer.batches).toEqual([
      ['0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'],
    ]);
    expect(h.sockets[0]!.transport.name).toBe("websocket");
  });

  it("sends the open packet and the connection listeners' messages as one batch", async () => {
    const h = harness();
    h.engine.on("connection", (socket) => {
      socket.send("a");
      socket.send("b");
    });
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
    if (verdict.kind !== "accept") throw new Error("refused");
    const peer = new FakePeer();
    verdict.open(peer);
    await settle();
    expect(peer.batches).toEqual([
      ['0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}', "4a", "4b"],
    ]);
  });
});

describe("errors 0-5, exactly as the reference writes them", () => {
  const cases: [string, string, string, number, string][] = [
    ["GET", "/engine.io/?EIO=4", "no transport", 400, '{"code":0,"message":"Transport unknown"}'],
    ["GET", "/engine.io/?EIO=4&transport=flash", "unknown transport", 400, '{"code":0,"message":"Transport unknown"}'],
    ["GET", "/engine.io/?EIO=4&transport=polling&sid=nope", "unknown sid", 400, '{"code":1,"message":"Session ID unknown"}'],
    ["POST", "/engine.io/?EIO=4&transport=polling", "POST handshake", 400, '{"code":2,"message":"Bad handshake method"}'],
    ["PUT", "/engine.io/?EIO=4&transport=polling", "PUT handshake", 400, '{"code":2,"message":"Bad handshake method"}'],
    ["GET", "/engine.io/?EIO=4&transport=websocket", "websocket over plain HTTP", 400, '{"code":3,"message":"Bad request"}'],
    ["GET", "/engine.io/?transport=polling", "EIO missing", 400, '{"code":5,"message":"Unsupported protocol version"}'],
    ["GET", "/engine.io/?EIO=3&transport=polling", "EIO 3", 400, '{"code":5,"message":"Unsupported protocol version"}'],
    ["GET", "/engine.io/?EIO=5&transport=polling", "EIO 5", 400, '{"code":5,"message":"Unsupported protocol version"}'],
  ];
  for (const [method, url, what, status, body] of cases) {
    it(`${what} → ${body}`, async () => {
      const h = harness();
      const res = await h.engine.handleRequest(fakeRequest(method, url));
      expect(res.status).toBe(status);
      expect(res.body).toBe(body);
      expect(res.headers).toEqual({ "Content-Type": "application/json" });
      expect(h.engine.clientsCount).toBe(0);
    });
  }

  it("code 0 for a transport the options disable", async () => {
    const h = harness({ transports: ["websocket"] });
    const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    expect(res.body).toBe('{"code":0,"message":"Transport unknown"}');
  });

  it("code 3 for an Origin header with forbidden characters", async () => {
    const h = harness();
    const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`, { headers: { origin: "http://a\x01b" } }));
    expect(res.status).toBe(400);
    expect(res.body).toBe('{"code":3,"message":"Bad request"}');
  });

  it("code 3 for a transport or protocol mismatch on a live session", async () => {
    const h = harness();
    await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    const wrongTransport = await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=4&transport=websocket&sid=s1"));
    expect(wrongTransport.body).toBe('{"code":3,"message":"Bad request"}');
    const wrongProtocol = await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=3&transport=polling&sid=s1"));
    expect(wrongProtocol.body).toBe('{"code":3,"message":"Bad request"}');
    expect(h.engine.clientsCount).toBe(1);
  });

  it("code 4 (403) when allowRequest refuses, synchronously", async () => {
    const seen: HandshakeRequest[] = [];
    const h = harness({
      allowRequest: (req) => {
        seen.push(req);
        return req.headers["x-token"] === "ok";
      },
    });
    const refused = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling&a=1`));
    expect(refused.status).toBe(403);
    expect(refused.body).toBe('{"code":4,"message":"Forbidden"}');
    expect(seen[0]!.query).toEqual({ EIO: "4", transport: "polling", a: "1" });
    const allowed = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`, { headers: { "x-token": "ok" } }));
    expect(allowed.status).toBe(200);
    expect(h.engine.clientsCount).toBe(1);
  });

  it("code 4 when allowRequest resolves false, with its reason when it gives one", async () => {
    const h = harness({ allowRequest: async (req) => (req.query.who === "bob" ? "bob is banned" : false) });
    const plain = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    expect(plain.status).toBe(403);
    expect(plain.body).toBe('{"code":4,"message":"Forbidden"}');
    const reasoned = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling&who=bob`));
    expect(reasoned.status).toBe(403);
    expect(reasoned.body).toBe('{"code":4,"message":"bob is banned"}');
  });

  it("allowRequest resolving true lets the handshake through; a throwing one refuses", async () => {
    const ok = harness({ allowRequest: () => Promise.resolve(true) });
    expect((await ok.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`))).status).toBe(200);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const bad = harness({
        allowRequest: () => {
          throw new Error("boom");
        },
      });
      const res = await bad.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
      expect(res.status).toBe(403);
      expect(res.body).toBe('{"code":4,"message":"Forbidden"}');
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });

  it("allowRequest runs before the version check, as in the reference", async () => {
    const h = harness({ allowRequest: () => false });
    const res = await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=3&transport=polling"));
    expect(res.body).toBe('{"code":4,"message":"Forbidden"}');
  });

  it("reports every refusal as connection_error", async () => {
    const h = harness();
    const errors: { code: number; message: string }[] = [];
    h.engine.on("connection_error", (e) => errors.push({ code: e.code, message: e.message }));
    await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=4&transport=polling&sid=zz"));
    await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?transport=polling"));
    expect(errors).toEqual([
      { code: 1, message: "Session ID unknown" },
      { code: 5, message: "Unsupported protocol version" },
    ]);
  });

  it("answers 500 to a method polling does not know on a live session, leaving it open", async () => {
    const h = harness();
    await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
    const res = await h.engine.handleRequest(fakeRequest("PUT", `${Q}&transport=polling&sid=s1`));
    expect(res.status).toBe(500);
    expect(res.body).toBe("");
    expect(h.sockets[0]!.readyState).toBe("open");
  });
});

describe("upgrade request errors (answered before any 101)", () => {
  const cases: [string, string, number, string][] = [
    ["/engine.io/?EIO=4", "no transport", 400, '{"code":0,"message":"Transport unknown"}'],
    ["/engine.io/?EIO=4&transport=polling", "transport=polling", 400, '{"code":3,"message":"Bad request"}'],
    ["/engine.io/?EIO=4&transport=websocket&sid=zz", "unknown sid", 400, '{"code":1,"message":"Session ID unknown"}'],
    ["/engine.io/?transport=websocket", "EIO missing", 400, '{"code":5,"message":"Unsupported protocol version"}'],
    ["/engine.io/?EIO=3&transport=websocket", "EIO 3", 400, '{"code":5,"message":"Unsupported protocol version"}'],
  ];
  for (const [url, what, status, body] of cases) {
    it(`${what} → ${body}`, async () => {
      const h = harness();
      const verdict = await h.engine.handleUpgrade(fakeRequest("GET", url));
      expect(verdict.kind).toBe("reject");
      if (verdict.kind !== "reject") return;
      expect(verdict.response.status).toBe(status);
      expect(verdict.response.body).toBe(body);
      expect(verdict.response.headers).toEqual({ "Content-Type": "application/json" });
    });
  }

  it("code 2 for a non-GET handshake, code 4 (403) when allowRequest refuses", async () => {
    const h = harness({ allowRequest: async () => false });
    const post = await h.engine.handleUpgrade(fakeRequest("POST", `${Q}&transport=websocket`));
    expect(post.kind === "reject" && post.response.body).toBe('{"code":2,"message":"Bad handshake method"}');
    const refused = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
    expect(refused.kind).toBe("reject");
    if (refused.kind !== "reject") return;
    expect(refused.response.status).toBe(403);
    expect(refused.response.body).toBe('{"code":4,"message":"Forbidden"}');
  });

  it("code 0 when websocket is disabled", async () => {
    const h = harness({ transports: ["polling"] });
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
    expect(verdict.kind === "reject" && verdict.response.body).toBe('{"code":0,"message":"Transport unknown"}');
  });
});

describe("the WebSocket handshake headers (checked by the core, so every runtime answers alike)", () => {
  const BAD_REQUEST = '{"code":3,"message":"Bad request"}';
  const cases: [string, Record<string, string | undefined>, Record<string, string>][] = [
    ["no Sec-WebSocket-Key", { "sec-websocket-key": undefined }, {}],
    ["an empty key", { "sec-websocket-key": "" }, {}],
    ["a key of 15 bytes", { "sec-websocket-key": "dGhlIHNhbXBsZSBub25j" }, {}],
    ["a key of 17 bytes", { "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZXg=" }, {}],
    ["a key without its padding", { "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ" }, {}],
    ["two keys", { "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==" }, {}],
    ["a key that is not base64", { "sec-websocket-key": "dGhlIHNhbXBsZSBub25j*Q==" }, {}],
    ["no Sec-WebSocket-Version", { "sec-websocket-version": undefined }, { "Sec-WebSocket-Version": "13" }],
    ["version 8", { "sec-websocket-version": "8" }, { "Sec-WebSocket-Version": "13" }],
    ["version 14", { "sec-websocket-version": "14" }, { "Sec-WebSocket-Version": "13" }],
  ];
  for (const [what, headers, extra] of cases) {
    it(`${what}: 400 ${BAD_REQUEST}, for a new session and for an upgrade`, async () => {
      const h = harness();
      const fresh = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`, { headers }));
      expect(fresh).toEqual({
        kind: "reject",
        response: { status: 400, headers: { ...extra, "Content-Type": "application/json" }, body: BAD_REQUEST },
      });
      await pollingSession(h);
      const upgrade = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&sid=s1`, { headers }));
      expect(upgrade).toEqual(fresh);
      expect(h.engine.clientsCount).toBe(1); // only the polling session
      expect(h.sockets[0]!.readyState).toBe("open"); // and the refused upgrade left it alone
    });
  }

  it("the Engine.IO checks come first, as in the reference (its WebSocket library checks last)", async () => {
    const h = harness({ allowRequest: (req) => req.query.deny === undefined });
    const headers = { "sec-websocket-key": undefined };
    const unknownSid = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&sid=zz`, { headers }));
    expect(unknownSid.kind === "reject" && unknownSid.response.body).toBe('{"code":1,"message":"Session ID unknown"}');
    const denied = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&deny`, { headers }));
    expect(denied.kind === "reject" && denied.response.body).toBe('{"code":4,"message":"Forbidden"}');
  });

  it("a valid handshake is accepted", async () => {
    const h = harness();
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`, { headers: WEBSOCKET_HANDSHAKE }));
    expect(verdict.kind).toBe("accept");
  });

  it("a refusal carries the CORS headers with the JSON error", async () => {
    const h = harness({ cors: { origin: "*" } });
    const verdict = await h.engine.handleUpgrade(
      fakeRequest("GET", `${Q}&transport=websocket`, { headers: { origin: "https://app.test", "sec-websocket-version": "7" } }),
    );
    expect(verdict.kind === "reject" && verdict.response.headers).toEqual({
      "Access-Control-Allow-Origin": "*",
      "Sec-WebSocket-Version": "13",
      "Content-Type": "application/json",
    });
  });
});

describe("CORS", () => {
  const preflightHeaders = { origin: "https://app.test", "access-control-request-headers": "x-custom" };

  it("answers a preflight with 204 and the cors package's headers, reflecting requested headers", async () => {
    const h = harness({ cors: { origin: "*" } });
    const res = await h.engine.handleRequest(fakeRequest("OPTIONS", `${Q}&transport=polling`, { headers: preflightHeaders }));
    expect(res.status).toBe(204);
    expect(res.body).toBe("");
    expect(res.headers).toEqual({
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
      "Access-Control-Allow-Headers": "x-custom",
      Vary: "Access-Control-Request-Headers",
    });
  });

  it("writes every configured preflight header", async () => {
    const h = harness({
      cors: {
        origin: ["https://a.test", /\.app\.test$/],
        credentials: true,
        methods: ["GET", "POST"],
        allowedHeaders: ["x-a", "x-b"],
        exposedHeaders: "x-e",
        maxAge: 600,
      },
    });
    const res = await h.engine.handleRequest(
      fakeRequest("OPTIONS", `${Q}&transport=polling`, { headers: { origin: "https://x.app.test" } }),
    );
    expect(res.status).toBe(204);
    expect(res.headers).toEqual({
      "Access-Control-Allow-Origin": "https://x.app.test",
      Vary: "Origin",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": "GET,POST",
      "Access-Control-Allow-Headers": "x-a,x-b",
      "Access-Control-Max-Age": "600",
      "Access-Control-Expose-Headers": "x-e",
    });
  });

  it("adds origin, credentials and exposed headers to actual responses, errors included", async () => {
    const h = harness({ cors: { origin: "https://app.test", credentials: true, exposedHeaders: ["x-e"] } });
    const ok = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`, { headers: { origin: "https://app.test" } }));
    expect(ok.headers).toEqual({
      "Access-Control-Allow-Origin": "https://app.test",
      Vary: "Origin",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Expose-Headers": "x-e",
      "Content-Type": "text/plain; charset=UTF-8",
      "cache-control": "no-store",
    });
    const error = await h.engine.handleRequest(fakeRequest("GET", "/engine.io/?EIO=4&transport=polling&sid=zz"));
    expect(error.headers).toEqual({
      "Access-Control-Allow-Origin": "https://app.test",
      Vary: "Origin",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Expose-Headers": "x-e",
      "Content-Type": "application/json",
    });
    const verdict = await h.engine.handleUpgrade(fakeRequest("GET", "/engine.io/?EIO=4&transport=websocket&sid=zz"));
    expect(verdict.kind === "reject" && verdict.response.headers["Access-Control-Allow-Origin"]).toBe("https://app.test");
  });

  it("reflects only matching origins for true / RegExp / list, always with Vary: Origin", async () => {
    const reflect = harness({ cors: { origin: true } });
    const r1 = await reflect.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`, { headers: { origin: "https://any.test" } }));
    expect(r1.headers["Access-Control-Allow-Origin"]).toBe("https://any.test");
    expect(r1.headers.Vary).toBe("Origin");

    const regex = harness({ cors: { origin: /^https:\/\/ok\.test$/g } });
    for (let i = 0; i < 2; i++) {
      // a /g pattern keeps lastIndex between calls; every request must still match
      const r = await regex.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`, { headers: { origin: "https://ok.test" } }));
      expect(r.headers["Access-Control-Allow-Origin"]).toBe("https://ok.test");
    }
    const no = await regex.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`, { headers: { origin: "https://evil.test" } }));
    expect(no.headers["Access-Control-Allow-Origin"]).toBeUndefined();
    expect(no.headers.Vary).toBe("Origin");
  });

  it("lets an origin function decide, sync or async; false means no CORS at all", async () => {
    const h = harness({ cors: { origin: async (origin) => origin === "https://good.test" } });
    const good = await h.engine.handleRequest(
      fakeRequest("OPTIONS", `${Q}&transport=polling`, { headers: { origin: "https://good.test" } }),
    );
    expect(good.status).toBe(204);
    expect(good.headers["Access-Control-Allow-Origin"]).toBe("https://good.test");
    // Refused: the preflight is handled like any request, i.e. refused as a handshake method.
    const bad = await h.engine.handleRequest(fakeRequest("OPTIONS", `${Q}&transport=polling`, { headers: { origin: "https://bad.test" } }));
    expect(bad.status).toBe(400);
    expect(bad.body).toBe('{"code":2,"message":"Bad handshake method"}');
    expect(bad.headers).toEqual({ "Content-Type": "application/json" });

    const fixed = harness({ cors: { origin: () => "https://fixed.test" } });
    const f = await fixed.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`, { headers: { origin: "https://x.test" } }));
    expect(f.headers["Access-Control-Allow-Origin"]).toBe("https://fixed.test");
  });

  it("an origin function that throws refuses the request with code 3 and no CORS headers", async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const h = harness({
        cors: {
          origin: () => {
            throw new Error("nope");
          },
        },
      });
      const res = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling`));
      expect(res.status).toBe(400);
      expect(res.body).toBe('{"code":3,"message":"Bad request"}');
      expect(res.headers).toEqual({ "Content-Type": "application/json" });
    } finally {
      console.error = original;
    }
  });

  it("without a cors option, writes no CORS headers and a preflight is refused like the reference", async () => {
    const h = harness();
    const res = await h.engine.handleRequest(fakeRequest("OPTIONS", `${Q}&transport=polling`, { headers: preflightHeaders }));
    expect(res.status).toBe(400);
    expect(res.body).toBe('{"code":2,"message":"Bad handshake method"}');
  });
});
