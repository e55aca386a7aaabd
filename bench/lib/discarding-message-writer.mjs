// A message writer that stores nothing: it numbers each room's messages in memory and answers at
// once. Given to Roomchat (`--servers=roomchat-nostore`), it leaves everything the server does but
// the database's work, so the gap between that server and bare Socket.IO is what Roomchat's own
// code costs, and the gap to Roomchat on SQLite is what storing costs. Not for use: nothing is
// kept, and a repeated client id is not recognised across batches.

/** @returns {import('@roomchat/server').MessageWriter} */
export function discardingMessageWriter() {
  const lastSeq = new Map();
  let nextId = 1;
  return {
    start: async () => {},
    close: async () => {},
    async write(batch) {
      const now = Date.now();
      return batch.map(({ roomId, kind, author, authorId, text, imageId, clientId }) => {
        const seq = (lastSeq.get(roomId) ?? 0) + 1;
        lastSeq.set(roomId, seq);
        return { row: { id: nextId++, room_id: roomId, seq, kind, author, author_id: authorId, text, image_id: imageId, client_id: clientId, created_at: now }, created: true };
      });
    },
  };
}
