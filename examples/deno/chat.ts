// The chat demo on Deno: unio's handler mounted on `/socket.io/` inside an ordinary
// `Deno.serve` app that also serves the page and the browser client. From the repo root:
//
//   DENO_NO_UPDATE_CHECK=1 node_modules/.bin/deno run --sloppy-imports --unstable-no-legacy-abort \
//     --no-check --no-remote --no-npm --no-prompt --allow-net=127.0.0.1 \
//     --allow-read=examples/chat/public,node_modules/socket.io-client/dist examples/deno/chat.ts [port]
//
// `--sloppy-imports` lets Deno load unio's TypeScript sources, which import `./x.js` for
// `./x.ts`; `--unstable-no-legacy-abort` makes `request.signal` abort only when a client goes
// away (unio listens to it for long polls) and silences Deno 2.9's notice about it.
import { Server } from "../../src/index.js";
import { type DenoServeInfo, handler } from "../../runtimes/deno.js";
import { setupChat } from "../chat/chat.js";

declare const Deno: {
  readonly args: readonly string[];
  readFile(path: URL): Promise<Uint8Array<ArrayBuffer>>;
  serve(
    options: { port: number; hostname: string; onListen(addr: { port: number }): void },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): unknown;
};

const io = new Server();
setupChat(io);
const socketio = handler(io);

const publicDir = new URL("../chat/public/", import.meta.url);
const browserClient = new URL("../../node_modules/socket.io-client/dist/socket.io.min.js", import.meta.url);
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
};
/** Everything comes from this origin: no CDN, no inline script. */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The app's own routes: the page and its assets, and the browser client. */
async function serveStatic(request: Request, pathname: string): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  const file =
    pathname === "/vendor/socket.io.min.js"
      ? browserClient
      : new URL(`.${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`, publicDir);
  // The URL parser resolves `..` (also `%2e%2e`): anything outside public/ is refused.
  if (file !== browserClient && !file.href.startsWith(publicDir.href)) return new Response("Not Found", { status: 404 });
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await Deno.readFile(file);
  } catch {
    return new Response("Not Found", { status: 404 });
  }
  const type = TYPES[file.pathname.slice(file.pathname.lastIndexOf(".") + 1)] ?? "application/octet-stream";
  const headers = { "content-type": type, "cache-control": "no-cache", ...SECURITY_HEADERS };
  return new Response(request.method === "HEAD" ? null : body, { headers });
}

const port = Number(Deno.args[0] ?? 3000);
Deno.serve(
  { port, hostname: "127.0.0.1", onListen: (addr) => console.log(`unio chat on Deno: http://127.0.0.1:${addr.port}/`) },
  (request, info) => {
    const { pathname } = new URL(request.url);
    return pathname.startsWith("/socket.io/") ? socketio(request, info) : serveStatic(request, pathname);
  },
);
