// Polling round-trips: real `socket.io-client` clients forced to HTTP long-polling
// (`transports: ["polling"]`), each with one ack in flight (`emit("ack", x, cb)`): a POST
// carries the event, the ack comes back on the parked GET, and the client polls again.
//
// By default each client gets a keep-alive http.Agent, as a browser keeps its connections
// open; the Node client's own default opens a TCP connection per request, whose accept
// and teardown cost every server the same and hide the difference between them
// (`--polling-agent none` measures that).

import { Agent } from "node:http";
import { io, type Socket } from "socket.io-client";
import { ClosedLoop, measureSpan } from "../measure.js";
import { LatencyRecorder } from "../stats.js";
import { throughputColumns, type Scenario } from "./scenario.js";
import { throughputMetrics } from "./throughput.js";

const PAYLOAD = { n: 1234, s: "the quick brown fox jumps over the lazy dog" };

function connectPolling(port: number, keepAlive: boolean): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // engine.io-client hands `agent` to its Node XMLHttpRequest, which takes an http.Agent
    // (its type says string | boolean; `false`, the default, opens a connection per request).
    const agent = keepAlive ? (new Agent({ keepAlive: true }) as unknown as boolean) : false;
    const socket = io(`http://127.0.0.1:${port}`, { transports: ["polling"], forceNew: true, reconnection: false, timeout: 10_000, agent });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

function pollingRound(sockets: readonly Socket[], durationMs: number, latencies: LatencyRecorder): Promise<number> {
  const loop = new ClosedLoop(durationMs, latencies);
  const sends = sockets.map((socket) => {
    const send = (): void => {
      const started = performance.now();
      loop.issued();
      socket.emit("ack", PAYLOAD, () => {
        if (loop.completed(performance.now() - started)) send();
      });
    };
    socket.on("disconnect", () => loop.fail(new Error("a polling client disconnected during the run")));
    return send;
  });
  return loop.run(() => sends.forEach((send) => send())).then(() => loop.ops);
}

export const pollingScenario: Scenario = {
  name: "polling",
  title: (o) =>
    `polling ack round-trips (${o.pollingClients} socket.io-client clients, transports: ["polling"], ${o.pollingKeepAlive ? "keep-alive HTTP agent" : "a TCP connection per request"})`,
  polling: true,
  columns: () => throughputColumns("rt"),
  ratios: () => ["cpu"],
  async run({ server, options }) {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < options.pollingClients; i += 10) {
        const batch = await Promise.allSettled(Array.from({ length: Math.min(10, options.pollingClients - i) }, () => connectPolling(server.port, options.pollingKeepAlive)));
        for (const outcome of batch) if (outcome.status === "fulfilled") sockets.push(outcome.value);
        const failure = batch.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
        if (failure) throw failure.reason;
      }
      await pollingRound(sockets, options.pollingWarmupMs, new LatencyRecorder());
      for (const socket of sockets) socket.off("disconnect");
      const latencies = new LatencyRecorder();
      const { span, value: ops } = await measureSpan(server, async () => ({ value: await pollingRound(sockets, options.slowDurationMs, latencies) }));
      return throughputMetrics(span, ops, latencies);
    } finally {
      for (const socket of sockets) {
        socket.off("disconnect");
        socket.close();
      }
    }
  },
};
