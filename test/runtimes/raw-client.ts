// A raw TCP client for the tests of the runtimes' HTTP servers (unio's own on Deno, and the
// limits of Bun's and Deno's): writes bytes as given (dripped if asked), collects what comes
// back, and reports how the connection ended.
// Every wait is bounded, and the socket is always destroyed before the promise settles.
import { connect } from "node:net";

export interface RawExchange {
  /** Everything the server sent, as latin1. */
  readonly data: string;
  /** "closed by server" (FIN or reset) or "still open" when `waitMs` passed first. */
  readonly end: "closed by server" | "still open";
  /** When it ended (or the wait gave up), in ms after connecting. */
  readonly ms: number;
  /** When the first byte of the answer came (ms after connecting), if one came. */
  readonly answeredMs: number | undefined;
}

/**
 * A conversation: after each chunk from the server, `reply` sees everything so far and may
 * write more; it returns true once the exchange is over.
 */
export type Reply = (data: string, write: (bytes: string | Uint8Array) => void) => boolean;

export function rawExchange(
  port: number,
  request: string | Uint8Array,
  waitMs: number,
  drip?: { text: string; everyMs: number },
  reply?: Reply,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const began = performance.now();
    const socket = connect({ port, host: "127.0.0.1" });
    let data = "";
    let answeredMs: number | undefined;
    let dripped = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const done = (end: RawExchange["end"]): void => {
      clearTimeout(bound);
      clearInterval(timer);
      socket.destroy();
      resolve({ data, end, ms: performance.now() - began, answeredMs });
    };
    const bound = setTimeout(() => done("still open"), waitMs);
    socket.setEncoding("latin1");
    const write = (bytes: string | Uint8Array): void => void socket.write(bytes);
    socket.on("data", (chunk: string) => {
      answeredMs ??= performance.now() - began;
      data += chunk;
      if (reply?.(data, write) === true) done("still open");
    });
    // A FIN, or a reset when the server closed over bytes it had not read: both end it.
    socket.on("end", () => done("closed by server"));
    socket.on("error", () => done("closed by server"));
    socket.on("connect", () => {
      if (request.length > 0) socket.write(request);
      if (drip === undefined) return;
      timer = setInterval(() => {
        if (dripped < drip.text.length && socket.writable) socket.write(drip.text[dripped++]!);
      }, drip.everyMs);
    });
  });
}

/** The status codes of every response in `data`, in order. */
export function statuses(data: string): number[] {
  return [...data.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

/** Peak resident memory of a Linux process so far (VmHWM), in bytes. */
export async function peakRss(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  if (match === null) throw new Error("no VmHWM in /proc/<pid>/status");
  return Number(match[1]) * 1024;
}
