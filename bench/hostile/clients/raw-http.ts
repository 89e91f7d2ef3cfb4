// HTTP written by hand over a TCP socket, for requests no HTTP client would send (broken
// request lines, huge or trickled headers, bodies that never end), and a plain request
// helper for well-formed polling requests.

import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";

export interface RawOutcome {
  /** The status of the first response, if one came. */
  readonly status: number | undefined;
  /** Everything the server sent, as latin1 text. */
  readonly received: string;
  /** How the exchange ended: the server closed the connection, or we gave up waiting. */
  readonly ended: "server closed" | "timeout";
  /** Milliseconds from connecting to that end. */
  readonly ms: number;
}

/** Opens a TCP connection to the server (loopback). */
export function tcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Sends `parts` (with `gapMs` between them), then waits until the server closes the
 * connection or `timeoutMs` passes. With `untilResponse`, stops at the first complete
 * response head instead of waiting for the close.
 */
export async function rawExchange(
  port: number,
  parts: ReadonlyArray<string | Uint8Array>,
  options: { timeoutMs: number; gapMs?: number; untilResponse?: boolean },
): Promise<RawOutcome> {
  const started = performance.now();
  const socket = await tcp(port);
  socket.on("error", () => {});
  let received = "";
  return new Promise((resolve) => {
    let done = false;
    const finish = (ended: RawOutcome["ended"]): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      resolve({ status: match ? Number(match[1]) : undefined, received, ended, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish("timeout"), options.timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (options.untilResponse && received.includes("\r\n\r\n")) finish("server closed");
    });
    socket.on("close", () => finish("server closed"));
    void (async () => {
      for (const part of parts) {
        if (done || socket.destroyed) return;
        socket.write(part);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
    })();
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One well-formed request on a fresh connection; rejects on a network error or after `timeoutMs`. */
export function http(
  port: number,
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, method, path, headers: { ...headers, connection: "close" }, agent: false, timeout: timeoutMs },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** A polling handshake: the session id. */
export async function pollingHandshake(port: number): Promise<string> {
  const answer = await http(port, "GET", "/socket.io/?EIO=4&transport=polling");
  if (answer.status !== 200 || !answer.body.startsWith("0{")) throw new Error(`handshake failed: ${answer.status} ${answer.body}`);
  return (JSON.parse(answer.body.slice(1)) as { sid: string }).sid;
}

export const pollingPath = (sid: string): string => `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
