import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatMessage } from '@roomchat/sdk';
import { connect, createStorage, eventually, startServer } from './testing.js';

test('a message stored while the answer to a join is on its way reaches the joiner, once', async () => {
  const storage = await createStorage('sqlite');
  const { server, url } = await startServer(storage.options);
  const ann = connect(url);
  const bo = connect(url);
  try {
    const annRoom = await ann.createRoom({ name: 'Ann' });
    // Ann speaks after the server has read Bo's snapshot and before Bo gets it: the message is
    // broadcast to Bo's connection (already in the room) ahead of the join's answer.
    const join = server.chat.join.bind(server.chat);
    server.chat.join = async (...args) => {
      const snapshot = await join(...args);
      if (args[1].name === 'Bo') await annRoom.send('said while Bo was joining');
      return snapshot;
    };
    const boRoom = await bo.joinRoom(annRoom.code, { name: 'Bo' });
    const heard: ChatMessage[] = [];
    boRoom.on('message', (m) => heard.push(m));
    assert.ok(!boRoom.messages.some((m) => m.text === 'said while Bo was joining'), 'not in the snapshot');
    await eventually(() => heard.some((m) => m.text === 'said while Bo was joining'), 'Bo to hear it');
    assert.equal(boRoom.messages.filter((m) => m.text === 'said while Bo was joining').length, 1);
  } finally {
    ann.close();
    bo.close();
    await server.close();
    await storage.dispose();
  }
});
