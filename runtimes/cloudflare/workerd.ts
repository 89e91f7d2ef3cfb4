// The slice of the Workers runtime (workerd) that the Cloudflare shim touches, declared
// structurally so that the published types need no `@cloudflare/workers-types`. Names follow
// Cloudflare's; only the members used are listed.

/** A server-side WebSocket accepted through the Hibernation API (`ctx.acceptWebSocket`). */
export interface HibernatableWebSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  send(message: string | ArrayBuffer | ArrayBufferView): void;
  /** workerd accepts 1000-1003, 1007-1014 and 3000-4999, and a reason of at most 123 UTF-8 bytes. */
  close(code?: number, reason?: string): void;
  /** Kept with the socket across hibernation; structured-clone, at most 16 KiB in workerd (2 KiB documented). */
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

/** `ctx.storage`, as far as alarms and overflow records need it. */
export interface DurableObjectStorage {
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<number>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/** The `ctx` (a.k.a. `state`) handed to a Durable Object's constructor. */
export interface DurableObjectState {
  readonly storage: DurableObjectStorage;
  /** Accepts a WebSocket with the Hibernation API: its events go to the object's `webSocket*` methods. */
  acceptWebSocket(ws: HibernatableWebSocket, tags?: string[]): void;
  /** Every hibernatable WebSocket of this object that is still open, also after a wake-up. */
  getWebSockets(tag?: string): HibernatableWebSocket[];
  /** Waits for `fn` before delivering any other event to the object. */
  blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T>;
}

/** A Durable Object stub: what `namespace.get(id)` returns. */
export interface DurableObjectStub {
  fetch(request: Request): Promise<Response>;
}

/** A Durable Object namespace binding (`env.IO`), as far as routing by name needs it. */
export interface DurableObjectNamespace<Id = unknown> {
  idFromName(name: string): Id;
  get(id: Id): DurableObjectStub;
}

/**
 * Completes the closing handshake a client started. workerd leaves the answer to the object
 * unless the `web_socket_auto_reply_to_close` flag is on, and a client that gets none keeps its
 * connection — and workerd its memory — until its own timeout (30 s for `ws`). The answer
 * echoes the client's code; a frame without one (workerd reports 1005) gets one without one; a
 * code no endpoint may send (999, 1004, 1015, 5000…: workerd passes them on) gets 1002, as
 * RFC 6455 §7.4 says. 1006 means no close frame came: nothing to answer. Harmless when the
 * runtime answered already.
 */
export function answerClose(ws: HibernatableWebSocket, code: number): void {
  if (code === 1006) return;
  const allowed = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  try {
    if (code === 1005) ws.close();
    else ws.close(allowed ? code : 1002);
  } catch {
    // already closed by the runtime
  }
}

/** The `WebSocketPair` global of workerd: index 0 goes to the client, 1 stays with the server. */
type WebSocketPairConstructor = new () => { readonly 0: HibernatableWebSocket; readonly 1: HibernatableWebSocket };

/** Both ends of a new WebSocket; throws outside workerd. */
export function newWebSocketPair(): { client: HibernatableWebSocket; server: HibernatableWebSocket } {
  const Pair = (globalThis as { WebSocketPair?: WebSocketPairConstructor }).WebSocketPair;
  if (Pair === undefined) throw new Error("WebSocketPair is not available: unio/cloudflare runs inside workerd");
  const pair = new Pair();
  return { client: pair[0], server: pair[1] };
}

/** The 101 answer that hands `client` to the caller (workerd's `ResponseInit.webSocket`). */
export function webSocketResponse(client: HibernatableWebSocket): Response {
  const init: ResponseInit & { webSocket: HibernatableWebSocket } = { status: 101, webSocket: client };
  return new Response(null, init);
}
