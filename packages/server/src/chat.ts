import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import {
  DEFAULT_LIMITS,
  ErrorCode,
  type ChangeEntry,
  type ChatMessage,
  type DeleteEntry,
  type EditEntry,
  type HistoryPage,
  type ImageInfo,
  type Limits,
  type LogEntry,
  type Member,
  type ReactionEntry,
  type RoomSnapshot,
} from '@roomchat/protocol';
import { ChatError } from './errors.js';
import { retryingLocks } from './db.js';
import { quoteOf, toReadPositions } from './storage/rows.js';
import type { EntryData } from './message-writer.js';
import type { ChatServerConfig } from './config.js';
import type { Database } from './db.js';
import { Images, processImage } from './images.js';
import { createMessageWriter, type MessageWriter } from './message-writer.js';
import { Messages, type HistoryQuery, type NewMessage } from './messages.js';
import { uniqueName } from './display-names.js';
import { LocalPresence, RedisPresence, type Presence } from './presence.js';
import { PresentMembers } from './present-members.js';
import { createRateLimits, type RateLimits } from './rate-limits.js';
import type { RedisClient } from './redis.js';
import { Rooms, roomNotFound, type RoomRecord } from './rooms.js';

/** Where committed changes go out to the room's connections (Socket.IO, in practice). */
export interface Publisher {
  /**
   * To the room's connections but `sender`, when given: the connection whose request made the
   * change, and whose answer carries it already (the message sent, the snapshot of the room joined).
   */
  messageCreated(room: RoomRecord, message: LogEntry, sender?: string): void;
  memberJoined(room: RoomRecord, member: Member, sender?: string): void;
  memberLeft(room: RoomRecord, member: Member): void;
  /** Ephemeral: to the room's connections but the typing one; never stored. */
  memberTyping(room: RoomRecord, member: Member, sender: string): void;
  readUpdated(room: RoomRecord, memberId: string, seq: number): void;
}

/** A change a member asks for: each appended to the room's log as an entry of its own. */
export type ChangeRequest =
  | { kind: 'edit'; id: string; text: string }
  | { kind: 'delete'; id: string }
  | { kind: 'reaction'; id: string; emoji: string; on: boolean };
/** The log entry a change request becomes. */
export type EntryOf<R extends ChangeRequest> = R extends { kind: 'edit' } ? EditEntry : R extends { kind: 'delete' } ? DeleteEntry : ReactionEntry;

/** A message as a member sends it: text or an uploaded image of the room. */
export interface OutgoingMessage {
  author: string;
  /** The sender's public member id, from its membership (never from the client); none over HTTP. */
  authorId?: string | undefined;
  text?: string | undefined;
  imageId?: string | undefined;
  clientId?: string | undefined;
  /** The id of the room's message this one replies to. */
  replyTo?: string | undefined;
}

/** A change checked by `Chat.checkChange`, ready to append. */
export type ChangeMessage = NewMessage & { kind: 'edit' | 'delete' | 'reaction'; targetId: number };

/** A member's message ready to store: text, or an image checked to belong to the room. */
export type ComposedMessage = NewMessage & { kind: 'text' | 'image' };

export interface ChatOptions {
  /** Presence and rate limits are shared with the other nodes through it. */
  redis?: RedisClient | undefined;
  /** Stores message batches instead of the database's own writer (createMessageWriter). */
  messageWriter?: MessageWriter | undefined;
}

/**
 * The chat's use cases, shared by the REST routes and the socket handlers: open or create a room,
 * join and leave it, send, read history, upload images. Stores first, publishes only what was
 * committed, and keeps track of writes in flight so that shutdown can wait for them.
 */
export class Chat {
  readonly rooms: Rooms;
  readonly messages: Messages;
  readonly images: Images;
  readonly presence: Presence;
  readonly rateLimits: RateLimits;
  readonly limits: Limits;
  readonly #config: ChatServerConfig;
  readonly #publisher: Publisher;
  readonly #log: Logger;
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Bounds how many images are decoded at once (and so the memory that takes). */
  readonly #imageWork: LimitFunction;
  /** A single node's record of who is present, so a restart forgets no one; none with Redis. */
  readonly #presentMembers: PresentMembers | undefined;
  readonly #db: Database;

  constructor(db: Database, config: ChatServerConfig, publisher: Publisher, log: Logger, { redis, messageWriter }: ChatOptions = {}) {
    this.#config = config;
    this.#publisher = publisher;
    this.#log = log;
    this.#imageWork = pLimit(config.imageProcessingConcurrency);
    this.#db = db;
    this.#presentMembers = redis ? undefined : new PresentMembers(db);
    this.rooms = new Rooms(db, config.roomCodeLength);
    this.messages = new Messages(db, messageWriter ?? createMessageWriter(db, log));
    this.images = new Images(db);
    this.rateLimits = createRateLimits(config, redis);
    const onLeave = (room: RoomRecord, member: Member) => {
      this.#track(this.#recordLeave(room, member)).catch((err) => this.#log.error({ err }, 'could not record a leave'));
    };
    this.presence = redis
      ? new RedisPresence(redis, { prefix: config.redisKeyPrefix, graceMs: config.presenceGraceMs, log }, onLeave)
      : new LocalPresence(config.presenceGraceMs, onLeave);
    this.limits = {
      nameMaxLength: config.nameMaxLength,
      messageMaxLength: config.messageMaxLength,
      clientIdMaxLength: DEFAULT_LIMITS.clientIdMaxLength,
      historyPageSize: config.historyPageSize,
      historyMaxPageSize: config.historyMaxPageSize,
      imageMaxBytes: config.imageMaxBytes,
      imageMaxPixels: config.imageMaxPixels,
    };
  }

  /**
   * Looks a room up by the code a client gave. Unknown and malformed codes get the same
   * ROOM_NOT_FOUND and spend the address's failure budget, so codes cannot be enumerated.
   */
  async openRoom(code: string, clientAddress: string, returningMemberId?: string): Promise<RoomRecord> {
    try {
      await this.rateLimits.joinFailures.check(clientAddress);
    } catch (limited) {
      // One guesser behind a shared address must not lock its neighbours out of their own rooms:
      // a member of the room (by its private memberId, which a guesser does not have) gets in.
      // Anyone else, with a right code or a wrong one, gets the same RATE_LIMITED: no oracle.
      const room = returningMemberId === undefined ? undefined : await this.rooms.find(code);
      if (room && (await this.#isMember(room, returningMemberId!))) return room;
      throw limited;
    }
    const room = await this.rooms.find(code);
    if (room) return room;
    await this.rateLimits.joinFailures.consume(clientAddress);
    throw roomNotFound();
  }

  async createRoom(clientAddress: string): Promise<RoomRecord> {
    await this.rateLimits.roomCreates.consume(clientAddress);
    return this.#track(this.rooms.create());
  }

  /**
   * Adds a connection as a member; a member new to the room is recorded and announced, to the
   * room's other connections: the joining one has both in the snapshot.
   */
  async join(room: RoomRecord, member: Member, connectionId: string): Promise<RoomSnapshot> {
    const others = (await this.presence.list(room)).filter((m) => m.id !== member.id).map((m) => m.name);
    const { member: self, arrived } = await this.presence.join(room, { ...member, name: uniqueName(member.name, others) }, connectionId);
    if (arrived) {
      this.#publisher.memberJoined(room, self, connectionId);
      if (this.#presentMembers) await this.#track(this.#presentMembers.add(room, self));
      await this.#record(room, { kind: 'join', author: self.name, authorId: self.id }, connectionId);
    }
    const page = await this.messages.page(room, { limit: this.#config.historyPageSize }, self.id);
    const members = await this.presence.list(room);
    const readPositions = await this.readPositions(room, members.map((m) => m.id));
    return {
      code: room.code,
      createdAt: room.createdAt,
      self,
      members,
      messages: page.messages,
      hasMore: page.hasMore,
      limits: this.limits,
      readSeq: readPositions[self.id] ?? 0,
      readPositions,
    };
  }

  /** Removes a connection; `graceful` for an explicit leave, else after the presence grace period. */
  async leave(room: RoomRecord, memberId: string, connectionId: string, graceful: boolean): Promise<void> {
    const gone = await this.presence.leave(room.id, memberId, connectionId, graceful);
    if (gone) await this.#track(this.#recordLeave(room, gone));
  }

  /** Composes and posts a message: see `compose` and `post`. */
  async send(room: RoomRecord, message: OutgoingMessage, connectionId?: string): Promise<ChatMessage> {
    return this.post(room, await this.compose(room, message), connectionId);
  }

  /**
   * Turns what a member sent into a message to store; an image must be one of the room's, a reply
   * answers a message of the room (quoted as it is now), and `@name`s of present members are marked.
   */
  async compose(room: RoomRecord, message: OutgoingMessage): Promise<ComposedMessage> {
    const { author, authorId, clientId } = message;
    const composed: ComposedMessage =
      message.imageId === undefined
        ? { kind: 'text', author, authorId, text: message.text, clientId }
        : { kind: 'image', author, authorId, image: await this.images.infoInRoom(room, message.imageId), clientId };
    // A plain message (the hot path) costs nothing more: only a reply reads its target, and only a
    // text with an @ reads the member list (from Redis, with several nodes).
    if (message.replyTo === undefined && !message.text?.includes('@')) return composed;
    const data: EntryData = {};
    if (message.replyTo !== undefined) {
      const target = await this.#target(room, message.replyTo);
      composed.quote = quoteOf(target);
      data.replyTo = String(target.id);
    }
    if (message.text?.includes('@')) {
      const mentions = findMentions(message.text, await this.presence.list(room));
      if (mentions.length) data.mentions = mentions;
    }
    if (data.replyTo !== undefined || data.mentions) composed.data = data;
    return composed;
  }

  /**
   * Changes a message of the room as `actor`: edit or delete one's own (an edit within
   * `editWindowMs`), react to anyone's. See `checkChange` and `postChange`.
   */
  async change<R extends ChangeRequest>(room: RoomRecord, actor: Member, request: R, connectionId?: string): Promise<EntryOf<R>> {
    return this.postChange(room, await this.checkChange(room, actor, request), connectionId) as Promise<EntryOf<R>>;
  }

  /**
   * Checks a change and turns it into the log entry to append. Unknown targets, and entries that
   * are not messages (joins, changes), are MESSAGE_NOT_FOUND, as are deleted ones; another's
   * message is FORBIDDEN (moderators will come with the moderation work).
   */
  async checkChange(room: RoomRecord, actor: Member, request: ChangeRequest): Promise<ChangeMessage> {
    const target = await this.#target(room, request.id);
    if (target.deleted_at !== null && target.deleted_at !== undefined) throw new ChatError(ErrorCode.MESSAGE_NOT_FOUND, 'That message was deleted');
    const entry = { author: actor.name, authorId: actor.id, targetId: Number(target.id) };
    if (request.kind === 'reaction') {
      if (request.on) {
        const emojis = await this.#db('reactions').where({ message_id: target.id }).distinct('emoji');
        if (!emojis.some((r) => r.emoji === request.emoji) && emojis.length >= this.#config.reactionsPerMessage) {
          throw new ChatError(ErrorCode.TOO_MANY_REACTIONS, `A message can carry at most ${this.#config.reactionsPerMessage} different reactions`);
        }
      }
      return { kind: 'reaction', ...entry, data: { emoji: request.emoji, on: request.on } };
    }
    if (!target.author_id || target.author_id !== actor.id) throw new ChatError(ErrorCode.FORBIDDEN, 'Only its author can change a message');
    if (request.kind === 'delete') return { kind: 'delete', ...entry };
    if (target.kind !== 'text') throw new ChatError(ErrorCode.FORBIDDEN, 'Only text messages can be edited');
    if (Date.now() - Number(target.created_at) > this.#config.editWindowMs) {
      const ms = this.#config.editWindowMs;
      const window = ms >= 60_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`;
      throw new ChatError(ErrorCode.EDIT_WINDOW_CLOSED, `Messages can be edited for ${window} after sending`);
    }
    return { kind: 'edit', ...entry, text: request.text };
  }

  /**
   * Appends a checked change to the room's log through the same group commit as messages (so its
   * seq is in commit order); the writer applies it to the target in that transaction. Queued
   * before this returns, like `post`; published once committed.
   */
  postChange(room: RoomRecord, change: ChangeMessage, connectionId?: string): Promise<ChangeEntry> {
    return this.#record(room, change, connectionId) as Promise<ChangeEntry>;
  }

  /** Tells the room's other connections that `member` is typing. Never stored. */
  typing(room: RoomRecord, member: Member, connectionId: string): void {
    this.#publisher.memberTyping(room, member, connectionId);
  }

  /**
   * Moves the member's read position forward to `wanted` (never back, nor past the newest entry)
   * and stores it; announces it to the room when it moved. Resolves with the position now stored.
   */
  async markRead(room: RoomRecord, memberId: string, wanted: number): Promise<number> {
    const before = await this.#db('read_positions').where({ room_id: room.id, member_id: memberId }).first('seq');
    const current = before ? Number(before.seq) : 0;
    if (wanted <= current) return current;
    // Not beyond the log's end: others read it as "seen by" for every message up to it.
    const newest = await this.#db('messages').where({ room_id: room.id }).max({ seq: 'seq' }).first();
    const seq = Math.min(wanted, Number(newest?.seq ?? 0));
    if (seq <= current) return current;
    await this.#track(
      retryingLocks(this.#db, () =>
        this.#db('read_positions')
          .insert({ room_id: room.id, member_id: memberId, seq })
          .onConflict(['room_id', 'member_id'])
          .merge({ seq: this.#db.raw(this.#db.client.config.client === 'pg' ? 'greatest(read_positions.seq, excluded.seq)' : 'max(read_positions.seq, excluded.seq)') }),
      ),
    );
    this.#publisher.readUpdated(room, memberId, seq);
    return seq;
  }

  /** Stored read positions of the given members in the room. */
  async readPositions(room: RoomRecord, memberIds: string[]): Promise<Record<string, number>> {
    if (!memberIds.length) return {};
    return toReadPositions(await this.#db('read_positions').where({ room_id: room.id }).whereIn('member_id', memberIds).select('member_id', 'seq'));
  }

  /** A message of the room that can be replied to or changed: a text or image, else MESSAGE_NOT_FOUND. */
  async #target(room: RoomRecord, id: string) {
    const target = await this.messages.find(room, id);
    if (!target || (target.kind !== 'text' && target.kind !== 'image')) throw new ChatError(ErrorCode.MESSAGE_NOT_FOUND, 'No message with that id in this room');
    return target;
  }

  /**
   * Stores a composed message (once per client id) and publishes it if it is new: to every
   * connection of the room but the sending one (`connectionId`), which gets it as the answer.
   * It is queued for storing before this returns, so messages are stored in the order posted.
   */
  post(room: RoomRecord, message: ComposedMessage, connectionId?: string): Promise<ChatMessage> {
    return this.#record(room, message, connectionId) as Promise<ChatMessage>;
  }

  /** A page of the room's log; reactions say `mine` for `viewerId`. */
  history(room: RoomRecord, options: Partial<HistoryQuery>, viewerId?: string): Promise<HistoryPage> {
    return this.messages.page(room, { ...options, limit: options.limit ?? this.#config.historyPageSize }, viewerId);
  }

  async uploadImage(room: RoomRecord, bytes: Buffer): Promise<ImageInfo> {
    const limits = {
      maxPixels: this.#config.imageMaxPixels,
      maxFrames: this.#config.imageMaxFrames,
      timeoutMs: this.#config.imageProcessingTimeoutMs,
      thumbnailSize: this.#config.thumbnailSize,
    };
    const processed = await this.#imageWork(() => processImage(bytes, limits));
    return this.#track(this.images.store(room, processed));
  }

  /** Resolves when every write started so far has settled. */
  async settled(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  async #record(room: RoomRecord, message: NewMessage, sender?: string): Promise<LogEntry> {
    // Appended before the first await: callers rely on the message being queued on return.
    const { message: stored, created } = await this.#track(this.messages.append(room, message));
    if (created) this.#publisher.messageCreated(room, stored, sender);
    return stored;
  }

  /**
   * Puts back the members a single node had present when it stopped: each has the grace period to
   * return unannounced, then leaves. Several nodes keep presence in Redis, which outlives a node.
   */
  async restorePresence(): Promise<void> {
    if (!this.#presentMembers || !(this.presence instanceof LocalPresence)) return;
    for (const { room, member } of await this.#presentMembers.all()) this.presence.restore(room, member);
  }

  /** Whether the member is in the room now or has ever joined it (its join line is in the log). */
  async #isMember(room: RoomRecord, memberId: string): Promise<boolean> {
    if ((await this.presence.list(room)).some((m) => m.id === memberId)) return true;
    const joined = await this.#db('messages').where({ room_id: room.id, author_id: memberId, kind: 'join' }).first('id');
    return joined !== undefined;
  }

  async #recordLeave(room: RoomRecord, member: Member): Promise<void> {
    this.#publisher.memberLeft(room, member);
    if (this.#presentMembers) await this.#presentMembers.remove(room, member.id);
    await this.#record(room, { kind: 'leave', author: member.name, authorId: member.id });
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const done = () => this.#inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }
}

/**
 * The ids of the members named as `@name` in `text` (case aside; a name ends where a letter or
 * digit does not follow). Longer names first, so "@Ann Lee" is Ann Lee, not Ann.
 */
export function findMentions(text: string, members: Member[]): string[] {
  const lower = text.toLowerCase();
  const found = new Set<string>();
  const taken: Array<[number, number]> = [];
  for (const member of [...members].sort((a, b) => b.name.length - a.name.length)) {
    const token = '@' + member.name.toLowerCase();
    for (let at = lower.indexOf(token); at >= 0; at = lower.indexOf(token, at + 1)) {
      const end = at + token.length;
      if (/[\p{L}\p{N}]/u.test(lower[end] ?? '') || taken.some(([s, e]) => at >= s && at < e)) continue;
      taken.push([at, end]);
      found.add(member.id);
    }
  }
  return [...found];
}
