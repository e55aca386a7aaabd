import { ErrorCode } from '@roomchat/protocol';
import { ChatError } from '../errors.js';
import type { Messages } from '../messages.js';
import type { RoomRecord } from '../rooms.js';
import type { MessageWithImage } from '../storage/rows.js';

/**
 * A message of the room that can be replied to or changed: a text or an image. Anything else (an
 * unknown id, another room's message, a join line, a change entry) is MESSAGE_NOT_FOUND.
 */
export async function messageTarget(messages: Messages, room: RoomRecord, id: string): Promise<MessageWithImage> {
  const target = await messages.find(room, id);
  if (!target || (target.kind !== 'text' && target.kind !== 'image')) throw new ChatError(ErrorCode.MESSAGE_NOT_FOUND, 'No message with that id in this room');
  return target;
}
