// Dynamic namespaces: `io.of(/^\/room-\d+$/)` or `io.of((name, auth, next) => next(null, ok))`
// return a ParentNamespace. A client's CONNECT for a name it matches creates a child
// namespace on the spot. The parent's middlewares and connection handlers apply to every
// child (looked up at connection time, so ones added later apply too), and a broadcast on
// the parent reaches every child. With `cleanupEmptyChildNamespaces`, a child is deleted
// when its last socket leaves.

import type { Packet } from "../codec/index.js";
import type {
  AckResponseCallback,
  Adapter,
  AdapterNamespace,
  AdapterSocket,
  BroadcastOptions,
  ClientCountCallback,
  RemoteSocketDetails,
  Room,
  SocketId,
} from "./adapter.js";
import { Namespace } from "./namespace.js";
import type { Server } from "./server.js";
import type { EventsMap } from "./typed-events.js";

let parentCount = 0;

/** Decides whether a namespace name belongs to a parent: call `next(null, true)` to accept. */
export type NamespaceMatcher = (
  name: string,
  auth: Readonly<Record<string, unknown>>,
  next: (err: Error | null, allow: boolean) => void,
) => unknown;

export class ParentNamespace<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> extends Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** The child namespaces created so far. */
  readonly children = new Set<Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();

  /** @internal */
  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) {
    super(server, `/_${parentCount++}`);
  }

  /** @internal */
  protected override createAdapter(): Adapter {
    return new ParentAdapter(this);
  }

  /** @internal Creates (and registers with the server) the child namespace `name`. */
  _createChild(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const child = new Namespace(this.server, name, this);
    this.children.add(child);
    return child;
  }
}

/** What the parent adapter needs of its namespace. */
interface ParentOfAdapters extends AdapterNamespace {
  readonly children: ReadonlySet<{ readonly adapter: Adapter }>;
}

/** Fans every operation out to the children's adapters. */
class ParentAdapter implements Adapter {
  constructor(readonly nsp: ParentOfAdapters) {}

  init(): void {}
  close(): void {}
  serverCount(): number | Promise<number> {
    for (const child of this.nsp.children) return child.adapter.serverCount();
    return 1;
  }

  // A parent has no sockets of its own, so no rooms.
  addAll(): void {}
  del(): void {}
  delAll(): void {}
  socketRooms(): ReadonlySet<Room> | undefined {
    return undefined;
  }

  async sockets(rooms: ReadonlySet<Room>): Promise<Set<SocketId>> {
    const all = new Set<SocketId>();
    for (const child of this.nsp.children) for (const id of await child.adapter.sockets(rooms)) all.add(id);
    return all;
  }

  broadcast(packet: Packet, opts: BroadcastOptions): void {
    for (const child of this.nsp.children) child.adapter.broadcast({ ...packet }, opts);
  }

  broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onClientCount: ClientCountCallback,
    onResponse: AckResponseCallback,
  ): () => void {
    // One count per server: the children's counts are summed and reported once.
    const releases: Array<() => void> = [];
    let waiting = this.nsp.children.size;
    let total = 0;
    if (waiting === 0) onClientCount(0);
    for (const child of this.nsp.children) {
      const release = child.adapter.broadcastWithAck(
        { ...packet },
        opts,
        (count) => {
          total += count;
          if (--waiting === 0) onClientCount(total);
        },
        onResponse,
      );
      if (typeof release === "function") releases.push(release);
    }
    return () => {
      for (const release of releases) release();
    };
  }

  async fetchSockets(opts: BroadcastOptions): Promise<Array<AdapterSocket | RemoteSocketDetails>> {
    const all: Array<AdapterSocket | RemoteSocketDetails> = [];
    for (const child of this.nsp.children) all.push(...(await child.adapter.fetchSockets(opts)));
    return all;
  }

  addSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    for (const child of this.nsp.children) child.adapter.addSockets(opts, rooms);
  }

  delSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    for (const child of this.nsp.children) child.adapter.delSockets(opts, rooms);
  }

  disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    for (const child of [...this.nsp.children]) child.adapter.disconnectSockets(opts, close);
  }

  /** Other servers are reached through any child's adapter (they all share the cluster). */
  serverSideEmit(args: unknown[]): void {
    for (const child of this.nsp.children) {
      child.adapter.serverSideEmit(args);
      return;
    }
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const ack = last as (err: Error | null, responses: unknown[]) => void;
      queueMicrotask(() => ack(null, []));
    }
  }
}
