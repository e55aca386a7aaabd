import { ChatError } from './errors.js';
import { ErrorCode, type Limits } from './protocol.js';

/** Lone surrogates become U+FFFD, as the server stores them, so a pending message shows what will be stored. */
export function wellFormed(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

const CLIENT_ID = /^[\w.:-]+$/;
const codePoints = (s: string) => [...s].length;

/**
 * What the server would refuse of a send, checked before it is queued (and again before an entry
 * kept from an earlier page is sent): a send the server must refuse would otherwise wait in the
 * outbox, and one too large to be read at all would be retried for ever.
 */
export function checkSend(content: { text?: string | undefined; imageId?: string | undefined }, clientId: string, limits: Limits): ChatError | undefined {
  if (clientId.length === 0 || clientId.length > limits.clientIdMaxLength || !CLIENT_ID.test(clientId)) {
    return new ChatError(ErrorCode.INVALID_PAYLOAD, `A clientId is 1 to ${limits.clientIdMaxLength} letters, digits or _ . : -`);
  }
  if (content.imageId !== undefined) {
    return content.imageId.length > 0 && content.imageId.length <= limits.clientIdMaxLength && CLIENT_ID.test(content.imageId)
      ? undefined
      : new ChatError(ErrorCode.INVALID_PAYLOAD, 'That is not an image id');
  }
  const text = content.text ?? '';
  if (codePoints(text) > limits.messageMaxLength) {
    return new ChatError(ErrorCode.MESSAGE_TOO_LONG, `Messages are at most ${limits.messageMaxLength} characters`);
  }
  if (text.trim().length === 0) return new ChatError(ErrorCode.MESSAGE_EMPTY, 'The message is empty');
  return undefined;
}

/** The name checks the SDK can make before asking the server: its length. */
export function checkName(name: string, limits: Limits): ChatError | undefined {
  const trimmed = wellFormed(name).trim();
  if (trimmed.length === 0) return new ChatError(ErrorCode.NAME_INVALID, 'Pick a name');
  if (codePoints(trimmed) > limits.nameMaxLength) return new ChatError(ErrorCode.NAME_INVALID, `Names are at most ${limits.nameMaxLength} characters`);
  return undefined;
}
