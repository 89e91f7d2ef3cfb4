// The chat demo on Bun: unio's `fetch`/`websocket` handlers spread into `Bun.serve`, with
// the app's own `fetch` (the page and the browser client) taking every other path. From the
// repo root:
//
//   node_modules/.bin/bun run examples/bun/chat.ts        (PORT overrides 3000)
import { Server } from "../../src/index.js";
import { handler } from "../../runtimes/bun.js";
import { setupChat } from "../chat/chat.js";

/** Bun's lazily read file: a `Blob` a `Response` can stream. */
interface BunFile extends Blob {
  exists(): Promise<boolean>;
}
declare const Bun: {
  file(path: URL): BunFile;
  serve(options: ReturnType<typeof handler> & { port: number; hostname: string }): { readonly port: number };
};

const io = new Server();
setupChat(io);

const publicDir = new URL("../chat/public/", import.meta.url);
const browserClient = new URL("../../node_modules/socket.io-client/dist/socket.io.min.js", import.meta.url);
/** Everything comes from this origin: no CDN, no inline script. */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The app's own routes: the page and its assets, and the browser client. */
async function serveStatic(request: Request): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  const { pathname } = new URL(request.url);
  const path =
    pathname === "/vendor/socket.io.min.js"
      ? browserClient
      : new URL(`.${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`, publicDir);
  // The URL parser resolves `..` (also `%2e%2e`): anything outside public/ is refused.
  if (path !== browserClient && !path.href.startsWith(publicDir.href)) return new Response("Not Found", { status: 404 });
  let file: BunFile;
  try {
    file = Bun.file(path); // throws for a path Bun refuses, e.g. an encoded "/" in the URL
    if (!(await file.exists())) return new Response("Not Found", { status: 404 });
  } catch {
    return new Response("Not Found", { status: 404 });
  }
  // Bun takes the Content-Type from the file's extension.
  return new Response(file, { headers: { "cache-control": "no-cache", ...SECURITY_HEADERS } });
}

const server = Bun.serve({
  ...handler(io, { fetch: serveStatic }),
  port: Number(process.env["PORT"] ?? 3000),
  hostname: "127.0.0.1",
});
console.log(`unio chat on Bun: http://127.0.0.1:${server.port}/`);
