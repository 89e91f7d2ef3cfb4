// A small app to watch hibernation from outside: rooms, `socket.data` in two namespaces, a
// middleware that counts its runs, and counters that live at module level (they survive a new
// instance of the object in the same isolate, so a test can see that one was constructed).
//
// Objects are chosen by `?object=<name>`. Names starting with "sleepy" go to `SleepyObject`,
// whose heartbeat is slower than workerd's 10 s eviction, so it really hibernates between pings.
import { routeToDurableObject, SocketIODurableObject, type DurableObjectNamespace } from "../../../runtimes/cloudflare.js";
import type { Server, Socket } from "../../../src/index.js";

interface Env {
  readonly IO: DurableObjectNamespace;
  readonly SLEEPY: DurableObjectNamespace;
}

type Ack = (...args: unknown[]) => void;

interface Stats {
  constructed: number;
  middlewareRuns: number;
  fresh: number;
  recovered: number;
}

/** Per object class, so that another class's objects waking up do not count. */
const statsByClass = new Map<string, Stats>();

function statsOf(kind: string): Stats {
  let stats = statsByClass.get(kind);
  if (stats === undefined) {
    stats = { constructed: 0, middlewareRuns: 0, fresh: 0, recovered: 0 };
    statsByClass.set(kind, stats);
  }
  return stats;
}

function handlers(stats: Stats, socket: Socket): void {
  if (socket.recovered) stats.recovered++;
  else stats.fresh++;
  socket.on("join", (room: string, ack: Ack) => {
    void socket.join(room);
    ack([...socket.rooms].sort());
  });
  socket.on("set", (key: string, value: unknown, ack: Ack) => {
    socket.data[key] = value;
    ack();
  });
  socket.on("state", (ack: Ack) => {
    ack({ id: socket.id, nsp: socket.nsp.name, rooms: [...socket.rooms].sort(), data: socket.data, recovered: socket.recovered });
  });
  socket.on("shout", (room: string, message: string, ack: Ack) => {
    socket.to(room).emit("shout", message);
    ack();
  });
  socket.on("stats", (ack: Ack) => ack(stats));
}

export class HibernationObject extends SocketIODurableObject<Env> {
  constructor(...args: ConstructorParameters<typeof SocketIODurableObject<Env>>) {
    super(...args);
    this.stats.constructed++;
  }

  protected get stats(): Stats {
    return statsOf(this.constructor.name);
  }

  protected setup(io: Server): void {
    const stats = this.stats;
    io.use((_socket, next) => {
      stats.middlewareRuns++;
      next();
    });
    io.on("connection", (socket) => handlers(stats, socket));
    io.of("/admin").on("connection", (socket) => handlers(stats, socket));
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__test/hibernate") {
      this.simulateHibernation();
      return new Response("ok");
    }
    if (url.pathname === "/__test/announce") {
      // A send from outside any handler, as an RPC method would make one.
      const io = await this.server();
      io.to(url.searchParams.get("room") ?? "").emit("shout", url.searchParams.get("text") ?? "");
      return new Response("ok");
    }
    if (url.pathname === "/__test/alarm") return Response.json({ alarm: await this.ctx.storage.getAlarm() });
    if (url.pathname === "/__test/storage") {
      // The keys unio keeps in storage (parts of connection state over the attachment budget).
      const storage = this.ctx.storage as unknown as { list(options: { prefix: string }): Promise<Map<string, unknown>> };
      return Response.json({ keys: [...(await storage.list({ prefix: "unio:" })).keys()] });
    }
    return super.fetch(request);
  }
}

/** Pings every 12 s: longer than the 10 s of idleness after which workerd evicts an object. */
export class SleepyObject extends HibernationObject {
  protected override options() {
    return { pingInterval: 12_000, pingTimeout: 5_000 };
  }
}

const byObject = { name: (url: URL) => url.searchParams.get("object") ?? "default" };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const binding = url.searchParams.get("object")?.startsWith("sleepy") === true ? env.SLEEPY : env.IO;
    const path = url.pathname.startsWith("/__test/") ? "/__test/" : "/socket.io/";
    return (await routeToDurableObject(request, binding, { ...byObject, path })) ?? new Response("Not Found", { status: 404 });
  },
};
