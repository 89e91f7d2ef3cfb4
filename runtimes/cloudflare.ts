// unio on Cloudflare: a Durable Object base class that runs a Socket.IO server over
// hibernatable WebSockets (state in each socket's attachment, heartbeats on the object's
// alarm), and the Worker-side router that sends `/socket.io/` requests to the right object.
export {
  type CloudflareOptions,
  type DurableServerOptions,
  SocketIODurableObject,
} from "./cloudflare/durable-object.js";
export { type RouteOptions, routeToDurableObject } from "./cloudflare/router.js";
export type {
  DurableObjectNamespace,
  DurableObjectState,
  DurableObjectStorage,
  DurableObjectStub,
  HibernatableWebSocket,
} from "./cloudflare/workerd.js";
