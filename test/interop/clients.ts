// Helpers around the real `socket.io-client` (Node build) for the interop suite: every
// client a test opens goes through a pool that closes it afterwards, and every wait is
// bounded so a server that stays silent fails the test with a message instead of hanging.
import { Manager, io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";

export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** A `connect_error` as the client hands it over: `message` and the server's `data`. */
export type ConnectError = Error & { data?: unknown };

/** The three ways the client can reach the server. */
export const transportModes = [
  { name: "websocket", transports: ["websocket"] },
  { name: "polling", transports: ["polling"] },
  { name: "polling→websocket", transports: ["polling", "websocket"] },
] as const;

export type TransportMode = (typeof transportModes)[number];

/** The smallest emitter shape both socket.io-client and engine.io-client objects have. */
interface Listenable<E extends string> {
  once(event: E, listener: (...args: unknown[]) => void): unknown;
  off(event: E, listener: (...args: unknown[]) => void): unknown;
}

/** Resolves with the arguments of the next `event` on `emitter`, or rejects after `ms`. */
export function nextEvent<const E extends string>(emitter: Listenable<NoInfer<E>>, event: E, ms = 5000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${event}" within ${ms} ms`));
    }, ms);
    emitter.once(event, listener);
  });
}

/** Rejects after `ms` with `what` in the message unless `promise` settles first. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Collects every call of `event` on `emitter` (each call's arguments as one array). */
export function record<const E extends string>(
  emitter: { on(event: E, listener: (...args: unknown[]) => void): unknown },
  event: NoInfer<E>,
): unknown[][] {
  const calls: unknown[][] = [];
  emitter.on(event, (...args: unknown[]) => {
    calls.push(args);
  });
  return calls;
}

/** Opens clients against one server URL and closes all of them on `closeAll()`. */
export class ClientPool {
  private readonly sockets: Socket[] = [];
  private readonly managers: Manager[] = [];

  constructor(private readonly url: string) {}

  /**
   * A new client with its own connection (`forceNew`) that never reconnects, so a test
   * sees exactly the disconnects it caused. Not yet connected when returned.
   */
  open(nsp = "/", options: ClientOptions = {}): Socket {
    const socket = io(`${this.url}${nsp}`, {
      forceNew: true,
      reconnection: false,
      timeout: 5000,
      ...options,
    });
    this.sockets.push(socket);
    return socket;
  }

  /** One connection shared by several namespaces (socket.io's multiplexing). */
  manager(options: ClientOptions = {}): Manager {
    const manager = new Manager(this.url, { reconnection: false, timeout: 5000, ...options });
    this.managers.push(manager);
    return manager;
  }

  /** Opens a client and resolves once it is connected; rejects with its `connect_error`. */
  async connect(nsp = "/", options: ClientOptions = {}): Promise<Socket> {
    return connected(this.open(nsp, options));
  }

  /** Opens a client expected to be refused and resolves with the `connect_error`. */
  async refused(nsp = "/", options: ClientOptions = {}): Promise<ConnectError> {
    const socket = this.open(nsp, options);
    const outcome = await within(
      new Promise<ConnectError | "connected">((resolve) => {
        socket.once("connect", () => resolve("connected"));
        socket.once("connect_error", (err: ConnectError) => resolve(err));
      }),
      5000,
      `connect_error on ${nsp}`,
    );
    if (outcome === "connected") throw new Error(`${nsp} connected but should have been refused`);
    return outcome;
  }

  async closeAll(): Promise<void> {
    for (const socket of this.sockets.splice(0)) socket.disconnect();
    for (const manager of this.managers.splice(0)) {
      // Closing the engine ends every namespace socket opened through this manager.
      manager.engine?.close();
    }
  }
}

/** Resolves with `socket` once connected; rejects with its `connect_error` or after 5 s. */
export function connected(socket: Socket): Promise<Socket> {
  if (socket.connected) return Promise.resolve(socket);
  return within(
    new Promise<Socket>((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", (err: Error) => reject(err));
    }),
    5000,
    "connect",
  );
}

/** Resolves once `socket`'s connection runs on websocket (at once if it already does). */
export async function upgraded(socket: Socket): Promise<void> {
  const engine = socket.io.engine;
  if (engine.transport.name === "websocket") return;
  await nextEvent(engine, "upgrade", 5000);
}

/** The bytes of a binary value as socket.io-client hands it over (Buffer, ArrayBuffer, view). */
export function bytesOf(value: unknown): number[] {
  if (value instanceof ArrayBuffer) return [...new Uint8Array(value)];
  if (ArrayBuffer.isView(value)) return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  throw new TypeError(`not binary: ${Object.prototype.toString.call(value)}`);
}

/**
 * A received value with every binary part replaced by `{ bytes: [...] }` — the same shape
 * the fixture's `describeBinary` gives — so sent and received payloads compare with
 * `toEqual` whatever binary class each side uses.
 */
export function normalizeBinary(value: unknown): unknown {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return { bytes: bytesOf(value) };
  if (Array.isArray(value)) return value.map(normalizeBinary);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = normalizeBinary(inner);
    return out;
  }
  return value;
}
