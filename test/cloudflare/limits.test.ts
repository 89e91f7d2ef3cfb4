// Cloudflare's limit on inbound WebSocket messages is 1 MiB; on Cloudflare the core's
// `maxHttpBufferSize` defaults to the same, so a larger message closes the socket with 1009
// (message too big) instead of being cut off by the platform.
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { within } from "../interop/clients.js";
import { RawEngineSocket } from "../interop/raw-engine.js";
import { workerForFile } from "./support/worker-with-clients.js";

const entry = fileURLToPath(new URL("./workers/hibernation-worker.ts", import.meta.url));
const MIB = 1024 * 1024;

const cf = workerForFile(entry, { IO: "HibernationObject", SLEEPY: "SleepyObject" });

/** `421["set","blob","xx…"]`, padded so that the whole frame is `size` characters. */
function setBlobFrame(size: number): string {
  const head = '421["set","blob","';
  const tail = '"]';
  return head + "x".repeat(size - head.length - tail.length) + tail;
}

it("announces 1 MiB as maxPayload, takes a 1 MiB message and closes on a larger one with 1009", async () => {
  const raw = await RawEngineSocket.open(cf.worker.url, "EIO=4&transport=websocket&object=limits");
  try {
    expect(await raw.handshake()).toMatchObject({ maxPayload: MIB });
    await raw.joinMain();
    raw.send(setBlobFrame(MIB));
    expect(await raw.nextText(5000)).toBe("431[]");
    raw.send(setBlobFrame(MIB + 1));
    const closed = await within(raw.closed, 5000, "close after an oversized message");
    expect(closed.code).toBe(1009);
  } finally {
    raw.terminate();
  }
});
