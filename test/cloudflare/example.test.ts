// The chat example as deployed: examples/cloudflare/worker.ts with the assets its build step
// gathers, in workerd. The page and the browser client are static assets; two real clients
// chat through the Durable Object.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { ClientPool, nextEvent } from "../interop/clients.js";
import { startWorker, type RunningWorker } from "./support/miniflare.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
let assets: string;
let worker: RunningWorker;
let pool: ClientPool;

beforeAll(async () => {
  // What the build command in examples/cloudflare/wrangler.jsonc does.
  assets = mkdtempSync(join(tmpdir(), "unio-cf-assets-"));
  cpSync(join(root, "examples/chat/public"), assets, { recursive: true });
  mkdirSync(join(assets, "vendor"));
  cpSync(join(root, "node_modules/socket.io-client/dist/socket.io.min.js"), join(assets, "vendor/socket.io.min.js"));
  worker = await startWorker(join(root, "examples/cloudflare/worker.ts"), { CHAT: "ChatRoom" }, { assets });
});
afterAll(async () => {
  await worker?.close();
  rmSync(assets, { recursive: true, force: true });
});
beforeEach(() => {
  pool = new ClientPool(worker.url);
});
afterEach(async () => {
  await pool.closeAll();
});

it("serves the page and the browser client as assets, and 404 for anything else", async () => {
  const page = await fetch(`${worker.url}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script src="/vendor/socket.io.min.js"');
  const client = await fetch(`${worker.url}/vendor/socket.io.min.js`);
  expect(client.status).toBe(200);
  expect(await client.text()).toContain("Socket.IO v4");
  expect((await fetch(`${worker.url}/nope`)).status).toBe(404);
});

it("lets two clients chat in a room through the Durable Object", async () => {
  const ann = await pool.connect("/", { transports: ["polling", "websocket"] });
  const bob = await pool.connect("/", { transports: ["websocket"] });
  expect(await ann.timeout(3000).emitWithAck("hello", { nick: "ann" })).toMatchObject({ ok: true, nick: "ann" });
  expect(await bob.timeout(3000).emitWithAck("hello", { nick: "bob" })).toMatchObject({ ok: true, nick: "bob" });
  await ann.timeout(3000).emitWithAck("room:join", { room: "general" });
  expect(await bob.timeout(3000).emitWithAck("room:join", { room: "general" })).toMatchObject({
    ok: true,
    room: "general",
    members: ["ann", "bob"],
  });
  const heard = nextEvent(bob, "chat:message", 3000);
  expect(await ann.timeout(3000).emitWithAck("chat:send", { text: "hi bob" })).toMatchObject({ ok: true });
  expect((await heard)[0]).toMatchObject({ room: "general", nick: "ann", text: "hi bob" });
});
