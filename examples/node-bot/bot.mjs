#!/usr/bin/env node
// A bot that joins a Roomchat room through the SDK and answers messages.
//
//   node bot.mjs --room K7QWM3XP [--server http://localhost:3000] [--name Botty]
//
// Without --room it creates a room and prints its code. Commands it answers in the room:
// "!help", "!ping", "!time", "!roll [sides]", "!who"; and it greets people who join.
import { parseArgs } from 'node:util';
import { ChatClient, ChatError } from '@roomchat/sdk';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: process.env.ROOMCHAT_URL ?? 'http://localhost:3000' },
    room: { type: 'string' },
    name: { type: 'string', default: 'Botty' },
  },
});

/** The bot's answer to a message, or undefined to stay quiet. */
export function answer(text, room) {
  const [command, arg] = text.trim().split(/\s+/, 2);
  switch (command?.toLowerCase()) {
    case '!help':
      return 'I answer !ping, !time, !roll [sides] and !who.';
    case '!ping':
      return 'pong';
    case '!time':
      return `It is ${new Date().toUTCString()}.`;
    case '!roll': {
      const sides = Math.min(Math.max(Number.parseInt(arg ?? '6', 10) || 6, 2), 1000);
      return `🎲 ${1 + Math.floor(Math.random() * sides)} (d${sides})`;
    }
    case '!who':
      return `Here: ${room.members.map((m) => m.name).join(', ')}.`;
    default:
      return undefined;
  }
}

// Say so plainly when no server answers, rather than waiting for the SDK's reconnects to time out.
try {
  await fetch(`${values.server.replace(/\/+$/, '')}/healthz`, { signal: AbortSignal.timeout(3000) });
} catch {
  console.error(`No Roomchat server answers at ${values.server}. Start one with \`npm start\` at the repository root, or pass --server URL.`);
  process.exit(1);
}

const client = new ChatClient({ url: values.server });
client.on('state', (state) => console.log(`[connection] ${state}`));
client.on('error', (error) => console.error(`[error] ${error.code}: ${error.message}`));

let room;
try {
  room = values.room ? await client.joinRoom(values.room, { name: values.name }) : await client.createRoom({ name: values.name });
} catch (error) {
  console.error(error instanceof ChatError ? `Could not enter the room: ${error.code} (${error.message})` : error);
  client.close();
  process.exit(1);
}
console.log(`${values.name} ${values.room ? 'joined' : 'created'} room ${room.code} on ${values.server}.`);
console.log(`Open ${values.server}/ and join with the code ${room.code}, then say !help. Ctrl+C leaves the room.`);

room.on('message', (message) => {
  // Only what others say: the bot's own answers come back as messages too (by its member id, which
  // the server sets: a visitor who takes the bot's name is still answered).
  if (message.kind !== 'text' || message.authorId === room.self.id) return;
  console.log(`${message.author}: ${message.text}`);
  const reply = answer(message.text ?? '', room);
  if (reply) room.send(reply).catch((error) => console.error(`[send failed] ${error.code}`));
});
room.on('member-joined', (member) => {
  if (member.id !== room.self.id) room.send(`Welcome, ${member.name}! Say !help to see what I can do.`).catch(() => {});
});

async function shutdown() {
  await room.leave().catch(() => {});
  client.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
