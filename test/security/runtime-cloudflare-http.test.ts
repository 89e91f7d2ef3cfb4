// The fetch path's closing answer to a refused WebSocket upgrade under workerd (through
// Miniflare, with the suite's Worker). The shim writes `Connection: close` there as on Bun;
// workerd drops that hop-by-hop header and keeps the connection (the platform owns client
// connections, at the edge too). What this pins: the closing answer is still the core's exact
// refusal, and workerd's choice to keep the connection, measured, as the README says.
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { workerForFile } from "../cloudflare/support/worker-with-clients.js";

const entry = fileURLToPath(new URL("../cloudflare/workers/suite-worker.ts", import.meta.url));

const cf = workerForFile(entry, { IO: "FixtureObject" });

/** Writes one raw request; resolves with what came back and whether workerd closed the connection within 3 s. */
function exchange(request: string): Promise<{ data: string; closed: boolean }> {
  const { port } = new URL(cf.worker.url);
  return new Promise((resolve) => {
    const socket = connect({ port: Number(port), host: "127.0.0.1" });
    let data = "";
    const done = (closed: boolean): void => {
      clearTimeout(bound);
      socket.destroy();
      resolve({ data, closed });
    };
    const bound = setTimeout(() => done(false), 3000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("end", () => done(true));
    socket.on("error", () => done(true));
    socket.on("connect", () => socket.write(request));
  });
}

it("answers a refused upgrade with the core's 400; workerd strips Connection: close and keeps the connection", async () => {
  const { data, closed } = await exchange(
    "GET /socket.io/?EIO=4&transport=websocket&sid=nope HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  expect(data).toMatch(/^HTTP\/1\.1 400 /);
  expect(data).not.toMatch(/\r\nconnection:/i);
  expect(data).toContain('{"code":1,"message":"Session ID unknown"}');
  expect(closed).toBe(false);
});
