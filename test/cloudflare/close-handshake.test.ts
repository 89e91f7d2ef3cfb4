// A client that closes its WebSocket gets the server's close frame back at once. workerd
// leaves that answer to the object (unless the `web_socket_auto_reply_to_close` flag is on):
// without it the client's close hangs until its own timeout (30 s for `ws`) and workerd keeps
// the connection meanwhile — found by the hostile bench's churn and framing families.
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { expect, it } from "vitest";
import { within } from "../interop/clients.js";
import { workerForFile } from "./support/worker-with-clients.js";
import { RawWebSocket } from "./support/raw-websocket.js";

const entry = fileURLToPath(new URL("./workers/suite-worker.ts", import.meta.url));

const cf = workerForFile(entry, { IO: "FixtureObject" });

/** A websocket-only session that joined "/", ready to be closed by the client. */
async function joined(): Promise<WebSocket> {
  const ws = new WebSocket(`${cf.worker.url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
  ws.on("error", () => {});
  const texts: string[] = [];
  let wake: (() => void) | undefined;
  ws.on("message", (data: Buffer) => {
    texts.push(data.toString("utf8"));
    wake?.();
  });
  const next = async (): Promise<string> => {
    while (texts.length === 0) await within(new Promise<void>((resolve) => (wake = resolve)), 5000, "a message");
    return texts.shift()!;
  };
  await within(new Promise((resolve) => ws.once("open", resolve)), 5000, "websocket open");
  expect((await next()).startsWith("0{")).toBe(true);
  ws.send("40");
  expect((await next()).startsWith('40{"sid":')).toBe(true);
  return ws;
}

/** Closes from the client side; the code the server's answering close frame carried. */
async function closeAndHear(ws: WebSocket, code?: number): Promise<number> {
  const heard = new Promise<number>((resolve) => ws.once("close", (answer: number) => resolve(answer)));
  ws.close(code);
  try {
    return await within(heard, 2000, "the server's close frame");
  } finally {
    ws.terminate();
  }
}

it("answers a client's close frame with the same code", async () => {
  expect(await closeAndHear(await joined(), 1000)).toBe(1000);
  expect(await closeAndHear(await joined(), 4001)).toBe(4001);
});

it("answers a close frame without a code with one without a code", async () => {
  // `ws` reports a close frame that carries no code as 1005.
  expect(await closeAndHear(await joined())).toBe(1005);
});

/** The code of the server's close frame after the client's (which `ws` refuses to send when the code is invalid). */
async function rawClose(code: number): Promise<number | "no close frame"> {
  const raw = await RawWebSocket.open(cf.worker.url, "/socket.io/?EIO=4&transport=websocket");
  try {
    expect((await raw.next()).payload.toString("utf8")).toMatch(/^0\{/);
    raw.close(code);
    const answer = await raw.next();
    return answer.opcode === 0x8 ? answer.payload.readUInt16BE(0) : "no close frame";
  } finally {
    raw.destroy();
  }
}

it("answers a close code that no endpoint may send with 1002 (protocol error)", async () => {
  expect(await rawClose(999)).toBe(1002);
  expect(await rawClose(5000)).toBe(1002);
  expect(await rawClose(1004)).toBe(1002);
  // and a valid one with itself, over the same raw path
  expect(await rawClose(1001)).toBe(1001);
});
