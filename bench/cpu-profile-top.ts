// Summarises a V8 .cpuprofile (node --cpu-prof): where the time went, by function (self and
// inclusive) and by area (a file of ours, a package, Node internals, GC, idle).
//
//   BENCH_CPU_PROF=/tmp/prof BENCH_TARGETS=sqlite node dist/bench/management-api.js
//   node dist/bench/cpu-profile-top.js /tmp/prof/server-sqlite.cpuprofile [rows=25]
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: node dist/bench/cpu-profile-top.js FILE.cpuprofile [rows]\n");
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}

function shortUrl(url: string): string {
  if (!url) return "";
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("/node_modules/");
  if (modules >= 0) return path.slice(modules + "/node_modules/".length);
  const dist = path.indexOf("/dist/");
  return dist >= 0 ? path.slice(dist + 1) : path;
}

function functionKey(frame: CallFrame): string {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  return `${name}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function areaOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const url = shortUrl(frame.url);
  if (url.startsWith("node:")) return "node internals";
  if (url.startsWith("dist/")) return url;
  const [scope, name] = url.split("/");
  return `package ${scope?.startsWith("@") ? `${scope}/${name}` : scope}`;
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const areas = new Map<string, number>();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(profile.samples[i]!);
  if (!node) continue;
  total += dt;
  self.set(functionKey(node.callFrame), (self.get(functionKey(node.callFrame)) ?? 0) + dt);
  areas.set(areaOf(node.callFrame), (areas.get(areaOf(node.callFrame)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const key = functionKey(byId.get(id)!.callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
  }
}

function print(title: string, values: Map<string, number>, limit: number): void {
  process.stdout.write(`\n${title}\n`);
  const sorted = [...values.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  for (const [key, us] of sorted) {
    process.stdout.write(
      `${((us / total) * 100).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`,
    );
  }
}

process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
print("By area (self time)", areas, rows);
print("By function, self time", self, rows);
print("By function, inclusive time", inclusive, rows);
