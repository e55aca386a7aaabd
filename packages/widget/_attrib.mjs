// Attributes each byte of a minified chunk to its source file through the source map.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { TraceMap, eachMapping } from '@jridgewell/trace-mapping';
const dir = process.argv[2];
const file = readdirSync(dir).find((f) => /^chat-room\.[\w-]+\.js$/.test(f));
const code = readFileSync(`${dir}/${file}`, 'utf8');
const map = new TraceMap(readFileSync(`${dir}/${file}.map`, 'utf8'));
const lines = code.split('\n');
const segs = [];
eachMapping(map, (m) => segs.push(m));
const per = new Map();
const text = new Map();
for (let i = 0; i < segs.length; i++) {
  const m = segs[i]; const n = segs[i + 1];
  const line = lines[m.generatedLine - 1];
  const end = n && n.generatedLine === m.generatedLine ? n.generatedColumn : line.length;
  const src = (m.source ?? '(none)').replace(/.*node_modules\//, 'nm/').replace(/.*packages\//, '');
  per.set(src, (per.get(src) ?? 0) + (end - m.generatedColumn));
  text.set(src, (text.get(src) ?? '') + line.slice(m.generatedColumn, end));
}
const group = process.argv[3] === 'group';
const out = new Map();
for (const [src, b] of per) {
  const key = group ? (src.startsWith('nm/') ? src.split('/').slice(0, src.startsWith('nm/@') ? 3 : 2).join('/') : src.split('/').slice(0, 3).join('/')) : src;
  const o = out.get(key) ?? { min: 0, t: '' }; o.min += b; o.t += text.get(src); out.set(key, o);
}
const rows = [...out].map(([k, o]) => [k, o.min, gzipSync(o.t, { level: 9 }).length]).sort((a, b) => b[1] - a[1]);
let tot = 0; for (const r of rows) tot += r[1];
console.log('total min', tot, 'file', code.length, 'gz', gzipSync(code, { level: 9 }).length);
for (const r of rows.slice(0, Number(process.argv[4] ?? 60))) console.log(String(r[1]).padStart(7), String(r[2]).padStart(6), r[0]);
