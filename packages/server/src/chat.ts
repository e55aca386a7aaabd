import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { DEFAULT_LIMITS, type ChatMessage, type HistoryPage, type ImageInfo, type Limits, type Member, type RoomSnapshot } from '@roomchat/sdk/protocol';
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
  messageCreated(room: RoomRecord, message: ChatMessage, sender?: string): void;
  memberJoined(room: RoomRecord, member: Member, sender?: string): void;
  memberLeft(room: RoomRecord, member: Member): void;
}

/** A message as a member sends it: text or an uploaded image of the room. */
export interface OutgoingMessage {
  author: string;
  /** The sender's public member id, from its membership (never from the client); none over HTTP. */
  authorId?: string | undefined;
  text?: string | undefined;
  imageId?: string | undefined;
  clientId?: string | undefined;
}

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
    const page = await this.messages.page(room, { limit: this.#config.historyPageSize });
    return {
      code: room.code,
      createdAt: room.createdAt,
      self,
      members: await this.presence.list(room),
      messages: page.messages,
      hasMore: page.hasMore,
      limits: this.limits,
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

  /** Turns what a member sent into a message to store; an image must be one of the room's. */
  async compose(room: RoomRecord, message: OutgoingMessage): Promise<ComposedMessage> {
    const { author, authorId, clientId } = message;
    if (message.imageId === undefined) return { kind: 'text', author, authorId, text: message.text, clientId };
    return { kind: 'image', author, authorId, image: await this.images.infoInRoom(room, message.imageId), clientId };
  }

  /**
   * Stores a composed message (once per client id) and publishes it if it is new: to every
   * connection of the room but the sending one (`connectionId`), which gets it as the answer.
   * It is queued for storing before this returns, so messages are stored in the order posted.
   */
  post(room: RoomRecord, message: ComposedMessage, connectionId?: string): Promise<ChatMessage> {
    return this.#record(room, message, connectionId);
  }

  history(room: RoomRecord, options: Partial<HistoryQuery>): Promise<HistoryPage> {
    return this.messages.page(room, { ...options, limit: options.limit ?? this.#config.historyPageSize });
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

  async #record(room: RoomRecord, message: NewMessage, sender?: string): Promise<ChatMessage> {
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
