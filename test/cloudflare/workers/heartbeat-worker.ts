// A fast heartbeat on the object's alarm: pings every 300 ms, 400 ms to answer, deadlines on
// a 100 ms grid, and sockets due within 150 ms pinged in the same wake (the default half interval). Records why each socket left, and answers the test's questions about the alarm.
import { routeToDurableObject, SocketIODurableObject, type DurableObjectNamespace } from "../../../runtimes/cloudflare.js";
import type { Server } from "../../../src/index.js";

interface Env {
  readonly IO: DurableObjectNamespace;
}

type Ack = (...args: unknown[]) => void;

export const HEARTBEAT = { pingInterval: 300, pingTimeout: 400, alarmWindow: 100 } as const;

export class HeartbeatObject extends SocketIODurableObject<Env> {
  private readonly reasons = new Map<string, string>();
  /** Alarm invocations of this instance: the object's wake-ups for heartbeats. */
  private wakes = 0;
  private readonly waiting = new Map<string, Ack[]>();

  protected override options() {
    return { ...HEARTBEAT };
  }

  protected setup(io: Server): void {
    io.on("connection", (socket) => {
      socket.on("disconnect", (reason) => {
        this.reasons.set(socket.id, reason);
        for (const ack of this.waiting.get(socket.id) ?? []) ack(reason);
        this.waiting.delete(socket.id);
      });
      // Answers with the reason socket `id` left, once it has.
      socket.on("reason-of", (id: string, ack: Ack) => {
        const known = this.reasons.get(id);
        if (known !== undefined) ack(known);
        else this.waiting.set(id, [...(this.waiting.get(id) ?? []), ack]);
      });
    });
  }

  override async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === "/__test/alarm") {
      return Response.json({ alarm: await this.ctx.storage.getAlarm(), now: Date.now(), wakes: this.wakes });
    }
    return super.fetch(request);
  }

  override async alarm(): Promise<void> {
    this.wakes += 1;
    await super.alarm();
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname.startsWith("/__test/") ? "/__test/" : "/socket.io/";
    return (await routeToDurableObject(request, env.IO, { path })) ?? new Response("Not Found", { status: 404 });
  },
};
