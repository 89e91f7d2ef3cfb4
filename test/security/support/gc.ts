// A full garbage collection from inside a vitest worker (which runs without --expose-gc),
// to prove that objects are not merely forgotten by the server's maps but collectable.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/**
 * Collects garbage until `refs` are all cleared or the rounds run out; returns how many are
 * still alive. A turn of the event loop between rounds lets WeakRefs made in the current
 * job lose their hold.
 */
export async function aliveAfterGc(refs: readonly WeakRef<object>[], rounds = 6): Promise<number> {
  let alive = refs.length;
  for (let i = 0; i < rounds && alive > 0; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    alive = refs.filter((ref) => ref.deref() !== undefined).length;
  }
  return alive;
}
