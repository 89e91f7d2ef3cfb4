// The Worker-side router: requests under the Engine.IO path go to the object chosen by
// name; everything else falls through to the Worker.
import { describe, expect, it } from "vitest";
import { routeToDurableObject } from "../../runtimes/cloudflare/router.js";
import type { DurableObjectNamespace } from "../../runtimes/cloudflare/workerd.js";

function fakeNamespace(): { ns: DurableObjectNamespace<string>; routed: string[] } {
  const routed: string[] = [];
  const ns: DurableObjectNamespace<string> = {
    idFromName: (name) => `id:${name}`,
    get: (id) => ({
      fetch: (request) => {
        routed.push(`${id} ${new URL(request.url).pathname}`);
        return Promise.resolve(new Response("from the object"));
      },
    }),
  };
  return { ns, routed };
}

describe("routeToDurableObject", () => {
  it("sends Socket.IO requests to the object named \"default\"", async () => {
    const { ns, routed } = fakeNamespace();
    const response = await routeToDurableObject(new Request("https://x.test/socket.io/?EIO=4&transport=polling"), ns);
    expect(await response?.text()).toBe("from the object");
    expect(routed).toEqual(["id:default /socket.io/"]);
  });

  it("falls through for other paths", () => {
    const { ns, routed } = fakeNamespace();
    expect(routeToDurableObject(new Request("https://x.test/"), ns)).toBeUndefined();
    expect(routeToDurableObject(new Request("https://x.test/socket.iox/"), ns)).toBeUndefined();
    expect(routed).toEqual([]);
  });

  it("shards by the name function and honours a custom path", async () => {
    const { ns, routed } = fakeNamespace();
    const options = { path: "/rt", name: (url: URL) => url.searchParams.get("room") ?? "lobby" };
    await routeToDurableObject(new Request("https://x.test/rt/?EIO=4&room=blue"), ns, options);
    await routeToDurableObject(new Request("https://x.test/rt/?EIO=4"), ns, options);
    expect(routeToDurableObject(new Request("https://x.test/socket.io/?EIO=4"), ns, options)).toBeUndefined();
    expect(routed).toEqual(["id:blue /rt/", "id:lobby /rt/"]);
  });
});
