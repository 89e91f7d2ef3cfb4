// A bare Durable Object (no unio) that shows the platform behaviour the Cloudflare shim is
// built on, so that a workerd upgrade that changes it fails a test instead of the shim.
import type { DurableObjectState, HibernatableWebSocket } from "../../../runtimes/cloudflare.js";

interface FactsState extends DurableObjectState {
  abort(reason?: string): void;
  setWebSocketAutoResponse(pair: unknown): void;
  getWebSocketAutoResponseTimestamp(ws: HibernatableWebSocket): Date | null;
}

declare const WebSocketRequestResponsePair: new (request: string, response: string) => unknown;
declare const WebSocketPair: new () => { 0: HibernatableWebSocket; 1: HibernatableWebSocket };

interface Env {
  readonly FACTS: { idFromName(name: string): unknown; get(id: unknown): { fetch(request: Request): Promise<Response> } };
}

export class FactsObject {
  /** Messages the object's handler saw, in order. */
  private readonly seen: string[] = [];

  constructor(private readonly ctx: FactsState) {}

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/ws": {
        const pair = new WebSocketPair();
        this.ctx.acceptWebSocket(pair[1]);
        return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
      }
      case "/auto-response":
        // Engine.IO v4's heartbeat answer from the client is "3"; a "6" (noop) reply is harmless to it.
        this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("3", "6"));
        return new Response("ok");
      case "/report": {
        const sockets = this.ctx.getWebSockets();
        return Response.json({
          seen: this.seen,
          sockets: sockets.length,
          autoResponded: sockets.map((ws) => this.ctx.getWebSocketAutoResponseTimestamp(ws) !== null),
          bufferedAmount: sockets.map((ws) => typeof (ws as { bufferedAmount?: unknown }).bufferedAmount),
        });
      }
      case "/attachment": {
        const [ws] = this.ctx.getWebSockets();
        try {
          ws?.serializeAttachment("x".repeat(Number(url.searchParams.get("size"))));
          return new Response("stored");
        } catch (error) {
          return new Response(error instanceof Error ? error.message : String(error));
        }
      }
      case "/abort":
        this.ctx.abort("test");
        return new Response("unreachable");
      default:
        return new Response("Not Found", { status: 404 });
    }
  }

  webSocketMessage(ws: HibernatableWebSocket, message: string | ArrayBuffer): void {
    const text = typeof message === "string" ? message : "(binary)";
    this.seen.push(text);
    if (text === "ping me") ws.send("2");
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return env.FACTS.get(env.FACTS.idFromName(new URL(request.url).searchParams.get("object") ?? "facts")).fetch(request);
  },
};
