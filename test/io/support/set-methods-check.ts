// Run by a real runtime that has the ES2025 Set methods (Bun, from own-room-set.test.ts, since
// Node 20 has none): compares OwnRoomSet with a real Set as the receiver and as the argument
// of each method, and prints `{"checks":N,"mismatches":[…]}`.
import { OwnRoomSet } from "../../../src/io/own-room-set.js";

const methods = ["union", "intersection", "difference", "symmetricDifference", "isSubsetOf", "isSupersetOf", "isDisjointFrom"];
const plain = (r: unknown): unknown => (r instanceof Set ? [...(r as Set<unknown>)] : r);
const call = (receiver: Set<string>, name: string, arg: Set<string>): unknown =>
  (Reflect.get(receiver, name) as (this: Set<string>, o: Set<string>) => unknown).call(receiver, arg);

let checks = 0;
const mismatches: string[] = [];
const compare = (label: string, got: unknown, want: unknown): void => {
  checks++;
  if (JSON.stringify(plain(got)) !== JSON.stringify(plain(want))) mismatches.push(`${label}: ${JSON.stringify(plain(got))} != ${JSON.stringify(plain(want))}`);
};
for (const name of methods) {
  if (typeof Reflect.get(Set.prototype, name) !== "function") {
    mismatches.push(`${name}: missing on this runtime`);
    continue;
  }
  for (const members of [["a"], ["b"], ["a", "b"], []]) {
    const other = (): Set<string> => new Set(members);
    compare(`OwnRoomSet(a).${name}([${members}])`, call(new OwnRoomSet("a"), name, other()), call(new Set(["a"]), name, other()));
    compare(`[${members}].${name}(OwnRoomSet(a))`, call(other(), name, new OwnRoomSet("a")), call(other(), name, new Set(["a"])));
  }
}
console.log(JSON.stringify({ checks, mismatches }));
