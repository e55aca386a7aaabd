// The transport floor: a raw `ws` server that speaks just enough of the Engine.IO 4 / Socket.IO 5
// wire format (open, connect, event, ack, ping) for the same clients, and broadcasts one
// pre-encoded buffer to every member of a room. Nothing else happens per message.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { processStats, serveCalls } from '../proc.mjs';

// Plain HTTP answers a constant: the HTTP floor of the history scenario (node:http, nothing else).
const httpServer = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, maxPayload: 64 * 1024 });
const rooms = new Map();
let nextSid = 1;
let nextId = 1;
const seqs = new Map();

wss.on('connection', (ws) => {
  const sid = `s${nextSid++}`;
  const joined = new Set();
  ws.send(`0{"sid":"${sid}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`);
  ws.on('message', (data) => {
    const frame = data.toString();
    if (frame === '3') return; // pong
    if (frame.startsWith('40')) return ws.send(`40{"sid":"${sid}"}`);
    if (!frame.startsWith('42')) return;
    const open = frame.indexOf('[');
    const ackId = frame.slice(2, open);
    const [event, payload] = JSON.parse(frame.slice(open));
    let reply;
    if (event === 'room:join') {
      let members = rooms.get(payload.code);
      if (!members) rooms.set(payload.code, (members = new Set()));
      members.add(ws);
      joined.add(payload.code);
      reply = { ok: true, room: { code: payload.code, self: { id: sid, name: payload.name }, members: [], messages: [], hasMore: false } };
    } else if (event === 'message:send') {
      const seq = (seqs.get(payload.code) ?? 0) + 1;
      seqs.set(payload.code, seq);
      const message = { id: String(nextId++), roomCode: payload.code, seq, kind: 'text', author: 'bench', text: payload.text, clientId: payload.clientId, createdAt: new Date().toISOString() };
      const encoded = Buffer.from(`42${JSON.stringify(['message:created', message])}`);
      for (const member of rooms.get(payload.code) ?? []) member.send(encoded, { binary: false });
      reply = { ok: true, message };
    }
    if (ackId && reply) ws.send(`43${ackId}${JSON.stringify([reply])}`);
  });
  ws.on('close', () => {
    for (const code of joined) rooms.get(code)?.delete(ws);
  });
});

await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
serveCalls({
  stats: ({ gc }) => ({ ...processStats({ gc }), sockets: wss.clients.size }),
  createRooms: ({ count }) => Array.from({ length: count }, (_, i) => `ROOM${i}`),
  async close() {
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(() => httpServer.close(() => resolve())));
  },
});
process.send({ event: 'ready', port: httpServer.address().port });
