// What workerd does that the Cloudflare shim relies on (or chose not to rely on), checked on
// the bundled workerd (the "Cloudflare" section of the README explains each choice).
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { describe, expect, it } from "vitest";
import { within } from "../interop/clients.js";
import { workerForFile } from "./support/worker-with-clients.js";

const entry = fileURLToPath(new URL("./workers/facts-worker.ts", import.meta.url));

const cf = workerForFile(entry, { FACTS: "FactsObject" });

/** A raw WebSocket to the facts object `object`, with its messages queued. */
async function open(object: string): Promise<{ ws: WebSocket; next(): Promise<string>; closed: Promise<number> }> {
  const ws = new WebSocket(`${cf.worker.url.replace(/^http/, "ws")}/ws?object=${object}`);
  const inbox: string[] = [];
  let wake: (() => void) | undefined;
  ws.on("message", (data: Buffer) => {
    inbox.push(data.toString("utf8"));
    wake?.();
  });
  const closed = new Promise<number>((resolve) => ws.on("close", (code: number) => resolve(code)));
  ws.on("error", () => {});
  await within(new Promise((resolve) => ws.once("open", resolve)), 5000, "websocket open");
  const next = async (): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const message = inbox.shift();
      if (message !== undefined) return message;
      await within(new Promise<void>((resolve) => (wake = resolve)), 5000, "message");
    }
    throw new Error("no message");
  };
  return { ws, next, closed };
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${cf.worker.url}${path}`);
  return (await (path.startsWith("/report") ? response.json() : response.text())) as T;
}

interface Report {
  seen: string[];
  sockets: number;
  autoResponded: boolean[];
  bufferedAmount: string[];
}

describe("workerd, as the Cloudflare shim sees it", () => {
  it("answers a client's exact message with an auto-response without running the object, and records when", async () => {
    const { ws, next } = await open("auto");
    expect(await get("/auto-response?object=auto")).toBe("ok");
    ws.send("3");
    expect(await next()).toBe("6");
    // The server's own ping "2" still needs the object awake to send it.
    ws.send("ping me");
    expect(await next()).toBe("2");
    const report = await get<Report>("/report?object=auto");
    expect(report.seen).toEqual(["ping me"]);
    expect(report.autoResponded).toEqual([true]);
    ws.close();
  });

  it("gives hibernatable server sockets no bufferedAmount (no backpressure signal)", async () => {
    const { ws } = await open("buffered");
    expect((await get<Report>("/report?object=buffered")).bufferedAmount).toEqual(["undefined"]);
    ws.close();
  });

  it("refuses attachments over 16 KiB (Cloudflare documents 2 KiB)", async () => {
    const { ws } = await open("attachment");
    expect(await get("/attachment?object=attachment&size=16000")).toBe("stored");
    expect(await get("/attachment?object=attachment&size=17000")).toContain("cannot be larger than 16384 bytes");
    ws.close();
  });

  it("loses hibernatable sockets on ctx.abort(): not a way to simulate hibernation", async () => {
    const { ws } = await open("abort");
    expect((await get<Report>("/report?object=abort")).sockets).toBe(1);
    await fetch(`${cf.worker.url}/abort?object=abort`);
    expect((await get<Report>("/report?object=abort")).sockets).toBe(0);
    ws.terminate();
  });
});
