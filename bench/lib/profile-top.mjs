// Summarises a V8 .cpuprofile: self time by function and by package, the heaviest first.
// Usage: node lib/profile-top.mjs <file.cpuprofile> [rows]
import { readFileSync } from 'node:fs';

export function profileTop(file, rows = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map();
  const pkgs = new Map();
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id);
    const where = f.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^\/work\/main\//, '');
    const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const pkg = f.url === '' ? f.functionName || '(native)' : f.url.startsWith('node:') ? 'node core' : where.startsWith('packages/') ? where.split('/').slice(0, 2).join('/') : where.split('/')[0].startsWith('@') ? where.split('/').slice(0, 2).join('/') : where.split('/')[0];
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  return { totalMs: total / 1000, functions: top(fns), packages: top(pkgs) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { totalMs, functions, packages } = profileTop(process.argv[2], Number(process.argv[3] ?? 25));
  console.log(`sampled ${totalMs.toFixed(0)} ms\n\nby package:\n${packages.join('\n')}\n\nby function (self):\n${functions.join('\n')}`);
}
