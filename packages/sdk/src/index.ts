export { ChatClient, type ChatClientOptions, type ClientEvents, type ConnectionState } from './client.js';
export { Room, type ModerationState, type RoomEvents, type SendOptions } from './room.js';
export { UPLOAD_MAX_ATTEMPTS, type PendingSend, type SendStatus } from './sends.js';
export { ChatError } from './errors.js';
export { randomId, timeOrderedId } from './ids.js';
export type { UploadOptions, UploadSource } from './upload.js';
export { localStorageOutboxStore, memoryOutboxStore, type OutboxEntry, type OutboxStore } from './outbox.js';
export {
  DEFAULT_LIMITS,
  ErrorCode,
  IMAGE_TYPES,
  normalizeRoomCode,
  isChange,
  isModeration,
  quoteExcerpt,
  type ChangeEntry,
  type ChatMessage,
  type DeleteEntry,
  type EditEntry,
  type LogEntry,
  type ModerationAction,
  type ModerationEntry,
  type ModerationRequest,
  type RemovalReason,
  type ReportSummary,
  type Role,
  type Reaction,
  type ReactionEntry,
  type ReplyQuote,
  type ImageInfo,
  type Limits,
  type Member,
  type MessageKind,
  type RoomSnapshot,
  type RoomSummary,
  type DirectMessageEvent,
  type SearchPage,
} from './protocol.js';
