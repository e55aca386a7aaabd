import type { Knex } from 'knex';
import type { ChatMessage, ImageInfo, MessageKind } from '@roomchat/sdk/protocol';
import type { Database, ImageRow, MessageRow } from './db.js';
import { imageInfo } from './images.js';
import type { RoomRecord } from './rooms.js';

/** A stored message with the description (never the bytes) of its image, as queries return it. */
export type MessageWithImage = MessageRow & Partial<Pick<ImageRow, 'mime' | 'width' | 'height' | 'size'>>;

/** Messages joined to their image's description. */
export function selectMessages(db: Database | Knex.Transaction) {
  return db<MessageWithImage>('messages')
    .leftJoin('images', 'images.id', 'messages.image_id')
    .select('messages.*', 'images.mime', 'images.width', 'images.height', 'images.size');
}

/** The wire form of a stored message; `image` saves the lookup when the caller has it. */
export function toChatMessage(room: RoomRecord, row: MessageWithImage, image?: ImageInfo): ChatMessage {
  const message: ChatMessage = {
    id: String(row.id),
    roomCode: room.code,
    seq: Number(row.seq),
    kind: row.kind as MessageKind,
    author: row.author,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
  if (row.author_id !== null) message.authorId = row.author_id;
  if (row.text !== null) message.text = row.text;
  if (row.client_id !== null) message.clientId = row.client_id;
  if (image) message.image = image;
  else if (row.image_id !== null && row.mime) {
    message.image = imageInfo({ id: row.image_id, mime: row.mime, width: row.width!, height: row.height!, size: row.size! });
  }
  return message;
}
