// A standard (WHATWG-style) server WebSocket as the core's `WebSocketPeer`: Deno's
// `Deno.upgradeWebSocket` socket, a workerd (Cloudflare) socket, or any runtime's socket with
// `send`, `close` and, where the runtime has one, `bufferedAmount`.
//
// Backpressure. A standard WebSocket never refuses a send: it queues the bytes and counts
// them in `bufferedAmount`, and — unlike Bun's `drain` or Node's stream `'drain'` — it has no
// event for "the queue emptied". So after a batch we read `bufferedAmount`: at or below the
// high-water mark the batch is fine; above it `send` reports false (the core then holds
// further packets in its own bounded buffer), and we poll `bufferedAmount` on a timer with
// a short backoff (1, 2, 4 … 64 ms) until it has fallen to half the mark, then report
// `drained()`. The poll runs only while a socket is congested, so idle and healthy sockets
// cost nothing; a client that never reads is closed by the core's `maxBufferedBytes`.
//
// A socket without `bufferedAmount` (workerd's: the runtime queues outbound messages itself
// and gives a script no backpressure signal) reads as an empty queue: a send is never refused,
// and the core's `maxBufferedBytes` still bounds what it holds for a session.

import type { WebSocketPeer, WirePacket } from "../../src/engine/contract.js";

/** The slice of a standard server-side WebSocket the peer touches. */
export interface StandardWebSocket {
  readonly readyState: number;
  /** Bytes queued by the runtime; absent on runtimes that do not count them (read as 0). */
  readonly bufferedAmount?: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export interface PeerOptions {
  /** Bytes queued in the runtime above which `send` reports backpressure. Default 1 MiB. */
  readonly highWaterMark?: number;
}

const OPEN = 1;
const MAX_POLL_MS = 64;

/** A peer over `ws`; `drained` is called once the runtime's queue has room again after `send` returned false. */
export function webSocketPeer(
  ws: StandardWebSocket,
  drained: () => void,
  options: PeerOptions = {},
): WebSocketPeer & { dispose(): void } {
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = 1;

  const poll = (): void => {
    timer = undefined;
    if (ws.readyState !== OPEN) return; // the close event ends the session
    if (queued(ws) <= highWaterMark / 2) {
      drained();
      return;
    }
    delay = Math.min(delay * 2, MAX_POLL_MS);
    timer = setTimeout(poll, delay);
  };

  const dispose = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  return {
    send(packets: readonly WirePacket[]): boolean {
      // A closing socket drops what it is handed; its close event tells the core.
      if (ws.readyState !== OPEN) return true;
      for (const packet of packets) ws.send(packet.data);
      if (queued(ws) <= highWaterMark) return true;
      if (timer === undefined) {
        delay = 1;
        timer = setTimeout(poll, delay);
      }
      return false;
    },
    close(code: number, reason: string): void {
      dispose();
      try {
        ws.close(code, reason);
      } catch {
        // Deno's server sockets take any valid code, but a runtime that applies the browser's
        // rule (only 1000 and 3000–4999, a reason of at most 123 UTF-8 bytes) throws: close
        // without a status then rather than leave the socket open.
        ws.close();
      }
    },
    dispose,
  };
}

/** The runtime's outbound queue in bytes: 0 when it does not say. */
function queued(ws: StandardWebSocket): number {
  return ws.bufferedAmount ?? 0;
}
