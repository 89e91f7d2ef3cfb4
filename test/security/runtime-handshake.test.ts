// The RFC 6455 opening handshake on every runtime, in a real server process: a request
// with a malformed Sec-WebSocket-Key or a version other than 13 must be refused with an
// HTTP error (RFC 6455 §4.2.1: 400, or 426 with `Sec-WebSocket-Version: 13`), never
// answered with 101 — whichever runtime does the WebSocket handshake.

import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedServer } from "../interop/client-suite.js";
import { startUnioNodeServer } from "../interop/unio-node-server.js";
import { runtimeCommands, startServerProcess } from "../runtimes/spawn-server.js";

/** Sends one raw request and resolves with the status of the answer (undefined if none within 3 s). */
function statusOf(port: number, request: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let head = "";
    const done = (status: number | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => done(undefined), 3000);
    socket.on("error", () => done(undefined));
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      head += chunk;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) done(Number(match[1]));
    });
    socket.write(request);
  });
}

const upgrade = (headers: Record<string, string>): string =>
  "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("") +
  "\r\n";

const CASES: Array<[string, Record<string, string>]> = [
  ["a malformed key", { "Sec-WebSocket-Key": "short", "Sec-WebSocket-Version": "13" }],
  ["version 8", { "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "8" }],
  ["no version", { "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" }],
];

const RUNTIMES: Array<[string, () => Promise<StartedServer>]> = [
  ["node", startUnioNodeServer],
  ["deno", () => startServerProcess("deno", runtimeCommands.deno("test/runtimes/deno-server.ts"))],
  ["bun", () => startServerProcess("bun", runtimeCommands.bun("test/runtimes/bun-server.ts"))],
];

for (const [runtime, start] of RUNTIMES) {
  describe(`the opening handshake on ${runtime}`, () => {
    let server: StartedServer;
    let port: number;
    beforeAll(async () => {
      server = await start();
      port = Number(new URL(server.url).port);
    });
    afterAll(async () => {
      await server.close();
    });

    it("a valid handshake gets 101 (the control case)", async () => {
      expect(await statusOf(port, upgrade({ "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13" }))).toBe(101);
    });

    for (const [name, headers] of CASES) {
      it(`${name} is refused with 400 or 426, never 101`, async () => {
        expect([400, 426]).toContain(await statusOf(port, upgrade(headers)));
      });
    }
  });
}
