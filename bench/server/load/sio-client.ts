// Engine.IO 4 / Socket.IO 5 spoken directly over a TextSocket, just enough for the
// scenarios: the handshake (`0{…}` → `40` → `40{"sid"}`), heartbeats (every `2` answered
// with `3`), events out, and acks (`43<id>[…]`) and events (`42[…]`) in, handed to the
// scenario without parsing their JSON.

import { openRawTextSocket, openRawTextSocketEach } from "./raw-text-socket.js";
import type { ClientKind, OpenTextSocket, TextSocket } from "./text-socket.js";
import { openWsTextSocket } from "./ws-text-socket.js";

export const WS_PATH = "/socket.io/?EIO=4&transport=websocket";

const openers: Record<ClientKind, OpenTextSocket> = { raw: openRawTextSocket, "raw-each": openRawTextSocketEach, ws: openWsTextSocket };

const noop = (): void => {};

export class SioClient {
  /** `43<id>[…]` arrived: the ack id and the whole frame. */
  onAck: (id: number, text: string) => void = noop;
  /** `42[…]` arrived: the whole frame. */
  onEvent: (text: string) => void = noop;
  /** The connection closed. */
  onClosed: () => void = noop;
  closed = false;
  private readonly socket: TextSocket;
  private resolveConnected: (() => void) | undefined;
  private rejectConnected: ((error: Error) => void) | undefined;
  readonly connected: Promise<void>;

  private constructor(kind: ClientKind, port: number) {
    this.connected = new Promise((resolve, reject) => {
      this.resolveConnected = resolve;
      this.rejectConnected = reject;
    });
    this.socket = openers[kind](port, WS_PATH, {
      text: (data) => this.received(data),
      closed: () => {
        this.closed = true;
        this.rejectConnected?.(new Error("closed before the Socket.IO handshake finished"));
        this.onClosed();
      },
    });
  }

  /** Opens a connection and resolves once the main namespace is joined. */
  static async connect(kind: ClientKind, port: number, timeoutMs = 10_000): Promise<SioClient> {
    const client = new SioClient(kind, port);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no Socket.IO handshake within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([client.connected, timeout]);
    } catch (error) {
      client.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  close(): void {
    this.socket.close();
  }

  private received(text: string): void {
    const type = text.charCodeAt(0);
    if (type === 0x34 /* 4: message */) {
      const packet = text.charCodeAt(1);
      if (packet === 0x33 /* 3: ACK */) {
        let id = 0;
        for (let i = 2; i < text.length; i++) {
          const digit = text.charCodeAt(i) - 0x30;
          if (digit < 0 || digit > 9) break;
          id = id * 10 + digit;
        }
        this.onAck(id, text);
      } else if (packet === 0x32 /* 2: EVENT */) {
        this.onEvent(text);
      } else if (packet === 0x30 /* 0: CONNECT */) {
        this.resolveConnected?.();
        this.resolveConnected = undefined;
        this.rejectConnected = undefined;
      } else if (packet === 0x34 /* 4: CONNECT_ERROR */) {
        this.rejectConnected?.(new Error(`connect error: ${text}`));
        this.close();
      }
    } else if (type === 0x32 /* 2: ping */) {
      this.socket.send("3");
    } else if (type === 0x30 /* 0: open */) {
      this.socket.send("40");
    } else if (type === 0x31 /* 1: close */) {
      this.close();
    }
  }
}

/** Opens `count` connections, `concurrency` handshakes at a time. */
export async function connectMany(kind: ClientKind, port: number, count: number, concurrency: number): Promise<SioClient[]> {
  const clients: SioClient[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < count && !failed) {
      next++;
      try {
        clients.push(await SioClient.connect(kind, port));
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(concurrency, count) }, worker));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failure) {
    closeAll(clients);
    throw failure.reason;
  }
  return clients;
}

export function closeAll(clients: readonly SioClient[]): void {
  for (const client of clients) client.close();
}
