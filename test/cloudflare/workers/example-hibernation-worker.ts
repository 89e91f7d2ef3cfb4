// The chat example's Durable Object (examples/cloudflare/worker.ts, unchanged) with one
// test-only route that makes it forget its memory as a hibernation does. Objects are chosen
// by `?object=<name>`, so that each test case has its own.
import { routeToDurableObject, type DurableObjectNamespace } from "../../../runtimes/cloudflare.js";
import { ChatRoom as ExampleChatRoom } from "../../../examples/cloudflare/worker.js";

interface Env {
  readonly CHAT: DurableObjectNamespace;
}

export class ChatRoom extends ExampleChatRoom {
  override async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === "/__test/hibernate") {
      this.simulateHibernation();
      return new Response("ok");
    }
    return super.fetch(request);
  }
}

const byObject = { name: (url: URL) => url.searchParams.get("object") ?? "default" };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname.startsWith("/__test/") ? "/__test/" : "/socket.io/";
    return (await routeToDurableObject(request, env.CHAT, { ...byObject, path })) ?? new Response("Not Found", { status: 404 });
  },
};
