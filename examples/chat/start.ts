// The chat demo on Node: a plain `node:http` server that serves the page from public/ and
// the browser build of socket.io-client (unio, like any Socket.IO server, does not ship the
// client), with unio attached for `/socket.io/`.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Server } from "../../src/index.js";
import { attach } from "../../runtimes/node/index.js";
import { setupChat } from "./chat.js";

export interface ChatOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Default: every interface. */
  readonly hostname?: string;
}

export interface RunningChat {
  readonly port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** Everything comes from this origin: no CDN, no inline script. */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * public/ next to this file — or, when the file was bundled elsewhere (`npm start` runs an
 * esbuild bundle from node_modules/.cache), the repo's examples/chat/public.
 */
function findPublicDir(): string {
  const beside = fileURLToPath(new URL("./public/", import.meta.url));
  if (existsSync(join(beside, "index.html"))) return beside;
  return resolve(process.cwd(), "examples/chat/public");
}

function browserClientPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("socket.io-client/package.json")), "dist", "socket.io.min.js");
}

export async function startChat(options: ChatOptions = {}): Promise<RunningChat> {
  const publicDir = findPublicDir();
  const vendor = new Map([["/vendor/socket.io.min.js", browserClientPath()]]);

  const serveStatic = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = vendor.get(pathname);
    if (file === undefined) {
      file = resolve(publicDir, `.${pathname.endsWith("/") ? `${pathname}index.html` : pathname}`);
      // `resolve` removes `..`: anything that lands outside public/ is not ours to serve.
      if (!file.startsWith(publicDir.endsWith(sep) ? publicDir : publicDir + sep)) file = undefined;
    }
    const body = file === undefined ? undefined : await readFile(file).catch(() => undefined);
    if (file === undefined || body === undefined) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8", ...SECURITY_HEADERS }).end("Not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-cache",
      ...SECURITY_HEADERS,
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };

  const http = createServer((req, res) => {
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const io = new Server();
  setupChat(io);
  const attachment = attach(io, http);

  await new Promise<void>((resolveListen, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 3000, options.hostname, () => {
      http.off("error", reject);
      resolveListen();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    port: (http.address() as AddressInfo).port,
    close() {
      closing ??= (async () => {
        await io.close();
        await attachment.close();
        await new Promise<void>((done) => {
          http.close(() => done());
          http.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
