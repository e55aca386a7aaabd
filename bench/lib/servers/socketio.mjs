// The baseline: a bare Socket.IO server with Roomchat's transport settings (perMessageDeflate off,
// same maxHttpBufferSize), speaking the same event names, broadcasting in memory: no persistence,
// no validation, no presence.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { processStats, serveCalls } from '../proc.mjs';

const httpServer = createServer();
const io = new Server(httpServer, { perMessageDeflate: false, maxHttpBufferSize: 64 * 1024, cors: { origin: '*' } });
let nextId = 1;
const seqs = new Map();

io.on('connection', (socket) => {
  socket.on('room:join', ({ code, name }, ack) => {
    socket.join(code);
    ack({ ok: true, room: { code, self: { id: socket.id, name }, members: [], messages: [], hasMore: false } });
  });
  socket.on('message:send', ({ code, clientId, text }, ack) => {
    const seq = (seqs.get(code) ?? 0) + 1;
    seqs.set(code, seq);
    const message = { id: String(nextId++), roomCode: code, seq, kind: 'text', author: 'bench', text, clientId, createdAt: new Date().toISOString() };
    io.to(code).emit('message:created', message);
    ack({ ok: true, message });
  });
});

await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
serveCalls({
  stats: ({ gc }) => ({ ...processStats({ gc }), sockets: io.engine.clientsCount }),
  createRooms: ({ count }) => Array.from({ length: count }, (_, i) => `ROOM${i}`),
  async close() {
    io.disconnectSockets(true);
    await new Promise((resolve) => io.close(() => resolve()));
  },
});
process.send({ event: 'ready', port: httpServer.address().port });
