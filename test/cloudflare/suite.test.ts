// The real-client suite against unio in a Durable Object, in workerd (Miniflare): websocket,
// polling and the upgrade, through the Worker's router and the hibernation API.
import { fileURLToPath } from "node:url";
import { defineClientSuite } from "../interop/client-suite.js";
import { startWorker } from "./support/miniflare.js";

const entry = fileURLToPath(new URL("./workers/suite-worker.ts", import.meta.url));

defineClientSuite("unio in a Cloudflare Durable Object", () => startWorker(entry, { IO: "FixtureObject" }));
