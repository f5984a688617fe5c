#!/usr/bin/env node
// node bench/profile-summary.mjs <file.cpuprofile> [top]: where the CPU time went,
// by function (self time) and by package or source area (self time), from a V8 CPU profile
// such as those `BENCH_CPU_PROF=1 npm run bench` writes.
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);

function area(url) {
  if (!url) return '(native / V8)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1];
  if (url.startsWith('node:')) return 'node core';
  if (/dist\/apps\//.test(url)) return 'flowline (dist)';
  return url.split('/').slice(-2).join('/');
}

const byFunction = new Map();
const byArea = new Map();
for (const [id, micros] of selfMicros) {
  const { callFrame } = nodes.get(id);
  const name =
    `${callFrame.functionName || '(anonymous)'} ${callFrame.url ? `${callFrame.url.split('/').slice(-2).join('/')}:${callFrame.lineNumber + 1}` : ''}`.trim();
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const key = area(callFrame.url);
  byArea.set(key, (byArea.get(key) ?? 0) + micros);
}

// Inclusive: each sample counts once for every distinct function on its stack.
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const frameName = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`.trim();
const inclusive = new Map();
for (const [id, micros] of selfMicros) {
  const seen = new Set();
  for (let current = id; current !== undefined; current = parent.get(current)) seen.add(frameName(nodes.get(current).callFrame));
  for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
}

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('Self time by package or area', byArea);
print('Self time by function', byFunction);
print('Inclusive time by function', inclusive);
