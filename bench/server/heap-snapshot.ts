// Compares two V8-format heap snapshots (Node's `v8.writeHeapSnapshot`, Bun's
// `generateHeapSnapshot("v8")`) of one server — before and with N idle connections — and
// prints what each connection costs by kind of object: self size and count per connection.
// Generic kinds (plain objects, arrays, closures, strings, contexts, buffers) are named by
// the first object that holds them and the property it holds them in, e.g.
// `array ← EngineSocket.writeBuffer`, which is what a reader needs to find the code.

import { readFileSync } from "node:fs";
import { format, table } from "./report.js";

interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly [readonly string[], ...unknown[]];
      readonly edge_fields: readonly string[];
      readonly edge_types: readonly [readonly string[], ...unknown[]];
    };
  };
  readonly nodes: readonly number[];
  readonly edges: readonly number[];
  readonly strings: readonly string[];
}

const STRING_TYPES = new Set(["string", "concatenated string", "sliced string"]);
const GENERIC = new Set(["object Object", "object Array", "object system / Context", "object ArrayBuffer", "object Uint8Array", "object Buffer", "object Map", "object Set", "closure native_bind"]);

function short(name: string): string {
  return name.length > 40 ? `${name.slice(0, 37)}…` : name;
}

/** Self size and count per kind. */
function tally(file: string): Map<string, { bytes: number; count: number }> {
  const data = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const meta = data.snapshot.meta;
  const width = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf("type");
  const nameAt = meta.node_fields.indexOf("name");
  const sizeAt = meta.node_fields.indexOf("self_size");
  const edgeCountAt = meta.node_fields.indexOf("edge_count");
  const edgeWidth = meta.edge_fields.length;
  const edgeTypeAt = meta.edge_fields.indexOf("type");
  const edgeNameAt = meta.edge_fields.indexOf("name_or_index");
  const edgeToAt = meta.edge_fields.indexOf("to_node");
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const nodeCount = data.nodes.length / width;
  const typeOf = (node: number): string => nodeTypes[data.nodes[node * width + typeAt]!] ?? "?";
  const nameOf = (node: number): string => data.strings[data.nodes[node * width + nameAt]!] ?? "?";

  // The first strong retainer of every node: (owner node, edge name).
  const owner = new Int32Array(nodeCount).fill(-1);
  const ownerEdge: string[] = new Array<string>(nodeCount);
  let edge = 0;
  for (let node = 0; node < nodeCount; node++) {
    const edges = data.nodes[node * width + edgeCountAt]!;
    const fromType = typeOf(node);
    for (let k = 0; k < edges; k++, edge += edgeWidth) {
      const edgeType = edgeTypes[data.edges[edge + edgeTypeAt]!] ?? "?";
      if (edgeType === "weak" || edgeType === "shortcut" || fromType === "synthetic") continue;
      const to = data.edges[edge + edgeToAt]! / width;
      if (owner[to] !== -1) continue;
      owner[to] = node;
      const nameOrIndex = data.edges[edge + edgeNameAt]!;
      ownerEdge[to] = edgeType === "element" || edgeType === "hidden" ? `[${nameOrIndex}]` : `.${data.strings[nameOrIndex] ?? "?"}`;
    }
  }

  const out = new Map<string, { bytes: number; count: number }>();
  for (let node = 0; node < nodeCount; node++) {
    const type = typeOf(node);
    let key: string;
    if (type === "code") key = "(compiled code)";
    else if (type === "number") key = "(heap numbers)";
    else {
      const kind = STRING_TYPES.has(type) ? "(strings)" : `${type} ${short(nameOf(node))}`.trimEnd();
      const generic = STRING_TYPES.has(type) || type === "array" || type === "hidden" || type === "closure" || GENERIC.has(kind);
      const by = owner[node]!;
      key = generic && by >= 0 ? `${kind} ← ${short(nameOf(by)) || typeOf(by)}${ownerEdge[node]}` : kind;
    }
    const size = data.nodes[node * width + sizeAt]!;
    const entry = out.get(key);
    if (entry) {
      entry.bytes += size;
      entry.count++;
    } else {
      out.set(key, { bytes: size, count: 1 });
    }
  }
  return out;
}

export function compareSnapshots(label: string, before: string, after: string, connections: number, top = 40): string {
  const a = tally(before);
  const b = tally(after);
  const rows: { key: string; bytes: number; count: number }[] = [];
  let total = 0;
  for (const [key, entry] of b) {
    const base = a.get(key) ?? { bytes: 0, count: 0 };
    const bytes = (entry.bytes - base.bytes) / connections;
    total += bytes;
    rows.push({ key, bytes, count: (entry.count - base.count) / connections });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  return [
    `#### ${label}: heap per idle connection by kind (${connections} connections; ${format(total, 0)} B/conn in all)`,
    "",
    table(
      ["kind ← first holder.property", "B/conn", "objects/conn"],
      rows.slice(0, top).map((row) => [row.key, format(row.bytes, 0), format(row.count, 2)]),
    ),
  ].join("\n");
}
