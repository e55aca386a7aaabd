import { ChatError, ErrorCode } from '@roomchat/sdk';
import type { ChatStrings } from './strings/types.js';

/** Anything a call threw, as a ChatError with a stable code (INTERNAL for the unexpected). */
export function toChatError(cause: unknown): ChatError {
  return cause instanceof ChatError ? cause : new ChatError(ErrorCode.INTERNAL, String(cause), { cause });
}

/** What the visitor is told of an error, in its language: the code's own sentence, else a general one. */
export function errorText(strings: Pick<ChatStrings, 'errors'>, code: string): string {
  return strings.errors[code as keyof ChatStrings['errors']] ?? strings.errors.fallback;
}
