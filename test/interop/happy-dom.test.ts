// @vitest-environment happy-dom
//
// The BROWSER build of socket.io-client (dist/socket.io.js, the file a page loads) inside
// happy-dom, over happy-dom's own XMLHttpRequest and WebSocket, against the official server
// (control) and unio on Node. A plain `import "socket.io-client"` would take the Node build,
// so the file's text is evaluated as a script here, exactly as a <script> tag would.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NodeWebSocket, NodeXHR, type Socket, type io as nodeBuildIo } from "socket.io-client";
import { nextEvent, normalizeBinary, transportModes, within } from "./clients.js";
import type { StartedServer } from "./client-suite.js";
import { ADMIN_TOKEN } from "./fixture-app.js";
import { startReferenceServer } from "./reference-server.js";
import { startUnioNodeServer } from "./unio-node-server.js";

type BrowserIo = typeof nodeBuildIo;

/** Evaluates the UMD bundle with a CommonJS-like `module`, as bundlers and script loaders do. */
function loadBrowserClient(): BrowserIo {
  const path = createRequire(import.meta.url).resolve("socket.io-client/dist/socket.io.js");
  const module: { exports: unknown } = { exports: {} };
  new Function("module", "exports", readFileSync(path, "utf8"))(module, module.exports);
  if (typeof module.exports !== "function") throw new Error("dist/socket.io.js did not export io()");
  return module.exports as BrowserIo;
}

const io = loadBrowserClient();

/** happy-dom's hook to wait for its pending network work before the server goes away. */
async function settleHappyDom(): Promise<void> {
  const happyDOM: unknown = Reflect.get(window, "happyDOM");
  if (typeof happyDOM === "object" && happyDOM !== null && "waitUntilComplete" in happyDOM) {
    const wait = happyDOM.waitUntilComplete;
    if (typeof wait === "function") await within(Promise.resolve(wait.call(happyDOM)), 5000, "happy-dom settling");
  }
}

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value);
}

function defineBrowserCases(label: string, start: () => Promise<StartedServer>): void {
  describe(`browser socket.io-client in happy-dom against ${label}`, () => {
    let server: StartedServer | undefined;
    const sockets: Socket[] = [];
    const open = (nsp: string, options: Parameters<BrowserIo>[1] = {}): Socket => {
      if (server === undefined) throw new Error("server not started");
      const socket = io(`${server.url}${nsp}`, { forceNew: true, reconnection: false, timeout: 5000, ...options });
      sockets.push(socket);
      return socket;
    };
    const connect = async (nsp: string, options: Parameters<BrowserIo>[1] = {}): Promise<Socket> => {
      const socket = open(nsp, options);
      await within(
        new Promise<void>((resolve, reject) => {
          socket.once("connect", () => resolve());
          socket.once("connect_error", (err: Error) => reject(err));
        }),
        5000,
        "connect",
      );
      return socket;
    };

    beforeAll(async () => {
      server = await start();
    });
    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.disconnect();
      await settleHappyDom();
    });
    afterAll(async () => {
      await settleHappyDom();
      await server?.close();
    });

    describe.each(transportModes)("over $name", (mode) => {
      it("connects, acks both ways, and ends on the expected transport", async () => {
        const socket = open("/", { transports: [...mode.transports], auth: { from: "happy-dom" } });
        const engine = socket.io.engine;
        const upgrades: string[] = [];
        engine.on("upgrade", (transport: { name: string }) => upgrades.push(transport.name));
        await within(nextEvent(socket, "connect"), 5000, "connect");
        if (mode.name === "polling→websocket" && upgrades.length === 0) await nextEvent(engine, "upgrade");
        expect(upgrades).toEqual(mode.name === "polling→websocket" ? ["websocket"] : []);
        expect(engine.transport.name).toBe(mode.name === "polling" ? "polling" : "websocket");
        // The browser bundle's own transport classes, not the Node build's.
        expect([NodeXHR, NodeWebSocket]).not.toContain(engine.transport.constructor);

        const me = (await socket.timeout(2000).emitWithAck("whoami")) as Record<string, unknown>;
        expect(me).toMatchObject({ id: socket.id, nsp: "/", auth: { from: "happy-dom" } });
        expect(await socket.timeout(2000).emitWithAck("echo", { text: "é😀", n: [1, 2] })).toEqual({ text: "é😀", n: [1, 2] });
        socket.on("double", (n: number, ack: (v: number) => void) => ack(n * 2));
        expect(await socket.timeout(3000).emitWithAck("ask-client", { event: "double", args: [21], timeout: 1000 })).toEqual({ ok: [42] });
      });

      it("carries binary both ways (the browser receives ArrayBuffer)", async () => {
        const socket = await connect("/", { transports: [...mode.transports] });
        const sent = { raw: new Uint8Array([0, 1, 254, 255]), nested: [{ buf: new Uint8Array([7, 8, 9]).buffer }, "text"] };
        const seen = { raw: { bytes: [0, 1, 254, 255] }, nested: [{ buf: { bytes: [7, 8, 9] } }, "text"] };
        // What the server got: real Uint8Arrays at the same places.
        expect(await socket.timeout(3000).emitWithAck("describe", sent)).toEqual([seen]);
        // What comes back: ArrayBuffers (a browser client's binaryType is "arraybuffer").
        const echoed = (await socket.timeout(3000).emitWithAck("echo", sent)) as { raw: unknown; nested: [{ buf: unknown }, string] };
        expect(tagOf(echoed.raw)).toBe("[object ArrayBuffer]");
        expect(tagOf(echoed.nested[0].buf)).toBe("[object ArrayBuffer]");
        expect(normalizeBinary(echoed)).toEqual(seen);
        const event = nextEvent(socket, "echoed", 3000);
        await socket.timeout(3000).emitWithAck("echo-event", new Uint8Array(70_000).fill(0xab));
        const [big] = await event;
        expect(tagOf(big)).toBe("[object ArrayBuffer]");
        const bytes = new Uint8Array(big as ArrayBuffer);
        expect(bytes.length).toBe(70_000);
        expect(bytes.every((b) => b === 0xab)).toBe(true);
      });
    });

    it("gets a namespace middleware's refusal with its data", async () => {
      const socket = open("/admin", { auth: { token: "wrong" } });
      const [err] = (await nextEvent(socket, "connect_error")) as [Error & { data?: unknown }];
      expect(err.message).toBe("not authorized");
      expect(err.data).toEqual({ code: "E_AUTH", token: "wrong" });
      const admin = await connect("/admin", { auth: { token: ADMIN_TOKEN } });
      expect(await admin.timeout(2000).emitWithAck("whoami")).toMatchObject({ nsp: "/admin" });
    });

    it("hears the server's disconnect as 'io server disconnect'", async () => {
      const socket = await connect("/", { transports: ["websocket"] });
      const gone = nextEvent(socket, "disconnect", 3000);
      await socket.timeout(2000).emitWithAck("disconnect-me", false);
      expect((await gone)[0]).toBe("io server disconnect");
    });
  });
}

defineBrowserCases("the official socket.io (control)", startReferenceServer);
defineBrowserCases("unio on Node", startUnioNodeServer);
