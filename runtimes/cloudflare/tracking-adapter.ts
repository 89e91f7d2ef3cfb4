// Rooms are part of a connection's durable state, and every join and leave goes through the
// namespace's adapter. This wraps the configured adapter class so that each change tells the
// shim which connection to save again — including joins made from outside that connection's
// own events (`io.in(room).socketsJoin(...)`, a handler that awaited something first).

import type { EngineServer } from "../../src/engine/server.js";
import type { EngineSocket } from "../../src/engine/socket.js";
import type { AdapterConstructor, AdapterNamespace, Room, SocketId } from "../../src/io/adapter.js";
import type { ClientSnapshot } from "../../src/io/snapshot.js";

/** The Socket.IO client of a connection, as far as saving it goes. */
export interface SavableClient {
  readonly conn: { readonly id: string; readonly readyState: string };
  snapshot(): ClientSnapshot;
}

/** What hibernation needs of a `Server`, whatever its event maps: any `Server<…>` is one. */
export interface HibernatableServer {
  readonly engine: EngineServer;
  restoreClient(conn: EngineSocket, snapshot: ClientSnapshot): SavableClient;
}

/** Called with the connection whose rooms changed. */
export type RoomsChanged = (client: SavableClient) => void;

export function trackingAdapter(Base: AdapterConstructor, changed: RoomsChanged): AdapterConstructor {
  return class TrackingAdapter extends Base {
    constructor(nsp: AdapterNamespace) {
      super(nsp);
    }

    override addAll(id: SocketId, rooms: Iterable<Room>): void | Promise<void> {
      const done = super.addAll(id, rooms);
      this.touched(id);
      return done;
    }

    override del(id: SocketId, room: Room): void | Promise<void> {
      const done = super.del(id, room);
      this.touched(id);
      return done;
    }

    override delAll(id: SocketId): void {
      super.delAll(id);
      this.touched(id);
    }

    private touched(id: SocketId): void {
      // Checked by shape, not `instanceof`: a bundle may hold more than one copy of the class.
      const client = (this.nsp.sockets.get(id) as { client?: Partial<SavableClient> } | undefined)?.client;
      if (typeof client?.snapshot === "function" && client.conn !== undefined) changed(client as SavableClient);
    }
  };
}
