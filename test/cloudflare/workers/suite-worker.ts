// The interop fixture as a Cloudflare Worker: every Socket.IO request goes to one Durable
// Object that runs `setupFixture` — the same handlers the official socket.io server runs in
// the control suite.
import { routeToDurableObject, SocketIODurableObject, type DurableObjectNamespace } from "../../../runtimes/cloudflare.js";
import type { Server } from "../../../src/index.js";
import { fixtureOptions, setupFixture } from "../../interop/fixture-app.js";

interface Env {
  readonly IO: DurableObjectNamespace;
}

export class FixtureObject extends SocketIODurableObject<Env> {
  protected override options() {
    return { ...fixtureOptions };
  }

  protected setup(io: Server): void {
    setupFixture(io);
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    return (await routeToDurableObject(request, env.IO)) ?? new Response("Not Found", { status: 404 });
  },
};
