import { ChatError, ErrorCode } from '@roomchat/sdk';

/** Anything a call threw, as a ChatError with a stable code (INTERNAL for the unexpected). */
export function toChatError(cause: unknown): ChatError {
  return cause instanceof ChatError ? cause : new ChatError(ErrorCode.INTERNAL, String(cause), { cause });
}
