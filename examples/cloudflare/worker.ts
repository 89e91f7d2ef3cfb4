// The chat demo on Cloudflare: one Durable Object runs the Socket.IO server for every chat
// client, over hibernatable WebSockets, and the Worker in front sends it `/socket.io/`
// requests. The page, its script and the browser client are static assets (see
// wrangler.jsonc: the build step gathers them into ./assets/).
//
//   cd examples/cloudflare && npx wrangler dev      # or: npx wrangler deploy
//
// In your own project, import from "unio" and "unio/cloudflare" instead of the sources.
import { routeToDurableObject, SocketIODurableObject, type DurableObjectNamespace } from "../../runtimes/cloudflare.js";
import type { Server } from "../../src/index.js";
import { setupChat } from "../chat/chat.js";

interface Env {
  /** The Durable Object namespace bound in wrangler.jsonc. */
  readonly CHAT: DurableObjectNamespace;
}

/**
 * All chat clients meet in one object, named "default" by the router.
 *
 * When nobody talks for a while the object hibernates and forgets its memory, while the
 * WebSockets stay open. The next message wakes it: `setup` runs again and each socket comes
 * back with its id, rooms and `socket.data`, where the chat keeps every user's nickname and
 * room, so nobody notices. Message history lives in memory only, and starts empty again
 * after a wake-up (keep it in `this.ctx.storage` if it matters).
 */
export class ChatRoom extends SocketIODurableObject<Env> {
  protected setup(io: Server): void {
    setupChat(io);
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // Static assets are answered before the Worker runs; what reaches it is Socket.IO or unknown.
    return (await routeToDurableObject(request, env.CHAT)) ?? new Response("Not Found", { status: 404 });
  },
};
