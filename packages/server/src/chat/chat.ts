import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { DEFAULT_LIMITS, ErrorCode, type ChatMessage, type HistoryPage, type SearchPage, type ImageInfo, type Limits, type LogEntry, type Member, type Role, type RoomSnapshot } from '@roomchat/protocol';
import type { ChatServerConfig } from '../config.js';
import { ChatError } from '../errors.js';
import type { Database } from '../db.js';
import { uniqueName } from '../display-names.js';
import { ImageUrls } from '../image-urls.js';
import { Images, processImage, tookTooLong } from '../images.js';
import { createMessageWriter, type MessageWriter } from '../message-writer.js';
import { Messages, type HistoryQuery } from '../messages.js';
import { LocalPresence, RedisPresence, type Presence } from '../presence.js';
import { PresentMembers } from '../present-members.js';
import { Apps } from '../auth/apps.js';
import { ModerationGate } from '../moderation/gate.js';
import { createRateLimits, type RateLimits } from '../rate-limits.js';
import type { RedisClient } from '../redis.js';
import { DEFAULT_APP_ID, Rooms, roomNotFound, type RoomRecord } from '../rooms.js';
import type { Actor, Queued } from './actor.js';
import { RoomAccess } from './access.js';
import { Audit } from './audit.js';
import { Conversations } from './conversations.js';
import { Moderation, type Moderator } from './moderation.js';
import { Reports } from './reports.js';
import { RANK, RoomRules } from './room-rules.js';
import { Changes, type ChangeRequest, type EntryOf } from './changes.js';
import { Erasure, type ErasureReport, type ErasureScope } from './erasure.js';
import { RoomEvents } from './events.js';
import { InFlight } from './in-flight.js';
import { ReadPositions } from './read-positions.js';
import { RoomLog } from './room-log.js';
import { Sending, type SendRequest } from './sending.js';

export interface ChatOptions {
  /** Presence and rate limits are shared with the other nodes through it. */
  redis?: RedisClient | undefined;
  /** Stores message batches instead of the database's own writer (createMessageWriter). */
  messageWriter?: MessageWriter | undefined;
  /** The apps, whose filters and hooks every text passes; default: read from `db` with `appsCacheMs`. */
  apps?: Apps | undefined;
}

/**
 * The chat's use cases, shared by the REST routes and the socket handlers: open or create a room,
 * join and leave it, send, change messages, read history, upload images. Stores first, then
 * publishes what was committed to `events` (the socket fan-out subscribes), and keeps track of
 * writes in flight so that shutdown can wait for them.
 */
export class Chat {
  readonly rooms: Rooms;
  readonly messages: Messages;
  readonly images: Images;
  /** Signs and checks the image URLs of private rooms (load() before use: at listen). */
  readonly imageUrls: ImageUrls;
  /** Who may enter private rooms: checked on every way in (chat/access.ts). */
  readonly access: RoomAccess;
  /** Direct rooms and verified users' conversation lists. */
  readonly conversations: Conversations;
  readonly presence: Presence;
  readonly rateLimits: RateLimits;
  readonly limits: Limits;
  /** Every room event of this node, for subscribers (realtime/fan-out.ts). */
  readonly events: RoomEvents;
  /** Each room's roles, mutes and settings, kept in memory for the checks on every send. */
  readonly rules: RoomRules;
  /** Kick, ban, mute, roles, lock, slow mode, code rotation, close: see chat/moderation.ts. */
  readonly moderation: Moderation;
  readonly reports: Reports;
  readonly audit: Audit;
  readonly #config: ChatServerConfig;
  readonly #log: Logger;
  readonly #inFlight = new InFlight();
  readonly #roomLog: RoomLog;
  readonly #sending: Sending;
  readonly #changes: Changes;
  readonly #reads: ReadPositions;
  readonly #erasure: Erasure;
  /** Bounds how many images are decoded at once (and so the memory that takes). */
  readonly #imageWork: LimitFunction;
  /** A single node's record of who is present, so a restart forgets no one; none with Redis. */
  readonly #presentMembers: PresentMembers | undefined;
  readonly #db: Database;

  constructor(db: Database, config: ChatServerConfig, log: Logger, { redis, messageWriter, apps }: ChatOptions = {}) {
    this.#config = config;
    this.#log = log;
    this.#imageWork = pLimit(config.imageProcessingConcurrency);
    this.#db = db;
    this.#presentMembers = redis ? undefined : new PresentMembers(db);
    this.events = new RoomEvents(log);
    this.rooms = new Rooms(db, config.roomCodeLength);
    this.rooms.onCreated = (room) => this.events.publish({ type: 'room-created', room });
    this.imageUrls = new ImageUrls(config.imageUrlTtlMs);
    this.messages = new Messages(db, messageWriter ?? createMessageWriter(db, log, { searchIndexing: { delayMs: config.searchIndexDelayMs, batchSize: config.searchIndexBatchSize }, batchesInFlight: config.postgresBatchesInFlight }), this.imageUrls);
    this.conversations = new Conversations(db, this.rooms, new RoomAccess(db), this.messages);
    this.images = new Images(db, this.imageUrls);
    this.access = new RoomAccess(db);
    this.rateLimits = createRateLimits(config, redis);
    const onLeave = (room: RoomRecord, member: Member) => {
      this.#inFlight.track(this.#recordLeave(room, member)).catch((err) => this.#log.error({ err }, 'could not record a leave'));
    };
    this.presence = redis
      ? new RedisPresence(redis, { prefix: config.redisKeyPrefix, graceMs: config.presenceGraceMs, log }, onLeave)
      : new LocalPresence(config.presenceGraceMs, onLeave);
    this.#roomLog = new RoomLog(this.messages, this.events, this.#inFlight);
    // The app's filters and pre-publish hook, which every member's text passes before it is stored.
    const gate = new ModerationGate(apps ?? new Apps(db, config.appsCacheMs), config, log);
    this.rules = new RoomRules(db, { cacheMs: config.roomRulesCacheMs, cacheSize: config.roomRulesCacheSize, redis, redisKeyPrefix: config.redisKeyPrefix });
    this.audit = new Audit(db);
    this.moderation = new Moderation({
      db,
      rooms: this.rooms,
      rules: this.rules,
      presence: this.presence,
      log: this.#roomLog,
      events: this.events,
      audit: this.audit,
      hasJoined: (room, memberId) => this.#isMember(room, memberId),
    });
    this.reports = new Reports({ db, messages: this.messages, moderation: this.moderation, events: this.events, deleteAs: (mod, id, reason) => this.deleteAs(mod, id, reason) });
    const useCase = { db, config, messages: this.messages, images: this.images, presence: this.presence, rateLimits: this.rateLimits, log: this.#roomLog, rules: this.rules, audit: this.audit, gate };
    this.#sending = new Sending(useCase);
    this.#changes = new Changes(useCase);
    this.#reads = new ReadPositions(db, this.events, this.#inFlight);
    this.#erasure = new Erasure(db, this.#roomLog, this.#inFlight);
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
  async openRoom(code: string, clientAddress: string, returningMemberId?: string, appId = DEFAULT_APP_ID): Promise<RoomRecord> {
    try {
      await this.rateLimits.joinFailures.check(clientAddress);
    } catch (limited) {
      // One guesser behind a shared address must not lock its neighbours out of their own rooms:
      // a member of the room (by its private memberId, which a guesser does not have) gets in.
      // Anyone else, with a right code or a wrong one, gets the same RATE_LIMITED: no oracle.
      const room = returningMemberId === undefined ? undefined : await this.rooms.find(code, appId);
      if (room && (await this.#isMember(room, returningMemberId!))) return room;
      throw limited;
    }
    // Within the app only: another app's room with the same code is as unknown as no room.
    const room = await this.rooms.find(code, appId);
    if (room) return room;
    await this.rateLimits.joinFailures.consume(clientAddress);
    throw roomNotFound();
  }

  /**
   * The app's room with this key; created on first use when `mayCreate` (the app's roomCreation
   * setting, judged by the caller), budgeted like any room creation. Otherwise ROOM_NOT_FOUND.
   */
  async openKeyedRoom(key: string, clientAddress: string, appId: string, mayCreate: boolean): Promise<RoomRecord> {
    const room = await this.rooms.findByKey(key, appId);
    if (room) return room;
    if (!mayCreate) throw new ChatError(ErrorCode.ROOM_NOT_FOUND, 'No room has that key, and this app\'s rooms are created by its site');
    await this.rateLimits.roomCreates.consume(clientAddress);
    return this.#inFlight.track(this.rooms.create(appId, { key }));
  }

  /** A room the app's backend asks for under its key, open or private with its users (REST with the app secret; no client budget). */
  createKeyedRoom(appId: string, key: string, options: { private?: boolean | undefined; members?: readonly string[] | undefined }): Promise<RoomRecord> {
    return this.#inFlight.track(this.rooms.create(appId, { key, ...options }));
  }

  /** Takes users off a private room's list, and closes their connections in it (they are refused on re-joining). */
  async removeUsers(room: RoomRecord, users: string[]): Promise<void> {
    await this.access.remove(room, users);
    this.events.publish({ type: 'users-removed', room, users });
  }

  /** Creates a code room; `ownerId`, the creating member, owns it (docs/moderation.md). */
  async createRoom(clientAddress: string, appId = DEFAULT_APP_ID, title?: string, ownerId?: string): Promise<RoomRecord> {
    await this.rateLimits.roomCreates.consume(clientAddress);
    return this.#inFlight.track(
      (async () => {
        const room = await this.rooms.create(appId, title === undefined ? {} : { title });
        if (ownerId !== undefined) await this.moderation.setOwner(room, ownerId);
        return room;
      })(),
    );
  }

  /**
   * Adds a connection as a member; a member new to the room is recorded and announced, to the
   * room's other connections: the joining one has both in the snapshot.
   */
  async join(room: RoomRecord, member: Member, connectionId: string): Promise<RoomSnapshot> {
    const role = await this.rules.roleOf(room.id, member.id, member.role === 'admin');
    await this.moderation.admit(room, member.id, role);
    const others = (await this.presence.list(room)).filter((m) => m.id !== member.id).map((m) => m.name);
    const { member: self, arrived } = await this.presence.join(room, { ...member, name: uniqueName(member.name, others) }, connectionId);
    if (arrived) {
      // The others see the newcomer's role (an owner or moderator coming back) in the member list.
      this.events.publish({ type: 'member-joined', room, member: role === 'member' ? self : { ...self, role }, origin: connectionId });
      if (this.#presentMembers) await this.#inFlight.track(this.#presentMembers.add(room, self));
      await this.#roomLog.append(room, { kind: 'join', author: self.name, authorId: self.id }, connectionId);
    }
    const page = await this.messages.page(room, { limit: this.#config.historyPageSize }, self.id);
    const members = await this.moderation.withRoles(room, await this.presence.list(room));
    const readPositions = await this.#reads.of(room, members.map((m) => m.id));
    const rules = await this.rules.get(room.id);
    const mutedUntil = rules.mutes.get(self.id);
    return {
      code: room.code,
      ...(room.title ? { title: room.title } : {}),
      ...(room.key === undefined ? {} : { key: room.key }),
      createdAt: room.createdAt,
      self: role === 'member' ? self : { ...self, role },
      members,
      messages: seenAs(page.messages, role),
      hasMore: page.hasMore,
      limits: this.limits,
      readSeq: readPositions[self.id] ?? 0,
      readPositions,
      moderation: {
        locked: rules.locked,
        slowModeSeconds: rules.slowModeSeconds,
        ...(mutedUntil !== undefined && mutedUntil > Date.now() ? { mutedUntil: new Date(mutedUntil).toISOString() } : {}),
      },
    };
  }

  /** Removes a connection; `graceful` for an explicit leave, else after the presence grace period. */
  async leave(room: RoomRecord, memberId: string, connectionId: string, graceful: boolean): Promise<void> {
    const gone = await this.presence.leave(room.id, memberId, connectionId, graceful);
    if (gone) await this.#inFlight.track(this.#recordLeave(room, gone));
  }

  /** Sends a message as `actor`, over a socket or REST alike: see chat/sending.ts. */
  send(actor: Actor, request: SendRequest): Promise<Queued<ChatMessage>> {
    return this.#sending.send(actor, request);
  }

  /** Edits, deletes or reacts to a message as `actor`: see chat/changes.ts. */
  change<R extends ChangeRequest>(actor: Actor, code: string, request: R): Promise<Queued<EntryOf<R>>> {
    return this.#changes.change(actor, code, request);
  }

  /** Deletes everything an author wrote in an app's rooms (or one room), as deletes clients fold: see chat/erasure.ts. */
  eraseAuthor(scope: ErasureScope): Promise<ErasureReport> {
    return this.#inFlight.track(this.#erasure.erase(scope));
  }

  /** Tells the room's other connections that `member` is typing. Never stored. */
  typing(room: RoomRecord, member: Member, connectionId: string): void {
    this.events.publish({ type: 'member-typing', room, member, origin: connectionId });
  }

  /** Moves a member's read position forward and announces it: see chat/read-positions.ts. */
  markRead(room: RoomRecord, memberId: string, wanted: number): Promise<number> {
    return this.#reads.mark(room, memberId, wanted);
  }

  /** A page of the room's log; reactions say `mine` for `viewerId`; hidden messages are whole for moderators only. */
  async history(room: RoomRecord, options: Partial<HistoryQuery>, viewerId?: string, role: Role = 'member'): Promise<HistoryPage> {
    const page = await this.messages.page(room, { ...options, limit: options.limit ?? this.#config.historyPageSize }, viewerId);
    return { ...page, messages: seenAs(page.messages, role) };
  }

  /** Searches the room's messages for `clientAddress` (budgeted by it): see storage/search.ts. Hidden messages are not found but by moderators. */
  async search(room: RoomRecord, query: string, before: number | undefined, clientAddress: string, viewerId?: string, role: Role = 'member'): Promise<SearchPage> {
    await this.rateLimits.searches.consume(clientAddress);
    const page = await this.messages.search(room, query, { before, limit: this.#config.searchPageSize }, viewerId);
    return RANK[role] >= RANK.moderator ? page : { ...page, messages: page.messages.filter((m) => !m.hidden) };
  }

  /** Deletes a message as a moderator, with the reason in the audit trail (a report's `remove`). */
  async deleteAs(mod: Moderator, id: string, reason: string): Promise<LogEntry> {
    const actor = {
      membership: () => ({ room: mod.room, member: mod.actor }),
      budget: { own: `mod:${mod.actor.id ?? mod.actor.name}` },
      moderator: RANK[mod.role] >= RANK.moderator,
      connectionId: mod.connectionId,
    };
    const { stored } = await this.#changes.change(actor, mod.room.code, { kind: 'delete', id }, reason);
    return stored;
  }

  async uploadImage(room: RoomRecord, bytes: Buffer): Promise<ImageInfo> {
    const limits = {
      maxPixels: this.#config.imageMaxPixels,
      maxFrames: this.#config.imageMaxFrames,
      timeoutMs: this.#config.imageProcessingTimeoutMs,
      thumbnailSize: this.#config.thumbnailSize,
    };
    // libvips stops a pipeline past its timeout only when it checks (not always within an
    // encode), so the answer has its own deadline; the slot stays taken until libvips is done,
    // which keeps imageProcessingConcurrency a bound on the work.
    const processed = await new Promise<Awaited<ReturnType<typeof processImage>>>((resolve, reject) => {
      void this.#imageWork(async () => {
        const deadline = setTimeout(() => reject(tookTooLong()), limits.timeoutMs);
        try {
          resolve(await processImage(bytes, limits));
        } catch (err) {
          reject(err);
        } finally {
          clearTimeout(deadline);
        }
      });
    });
    return this.#inFlight.track(this.images.store(room, processed));
  }

  /** Resolves when every write started so far has settled. */
  settled(): Promise<void> {
    return this.#inFlight.settled();
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
    this.events.publish({ type: 'member-left', room, member });
    if (this.#presentMembers) await this.#presentMembers.remove(room, member.id);
    await this.#roomLog.append(room, { kind: 'leave', author: member.name, authorId: member.id });
  }
}

/** A page as `role` may see it: a hidden message keeps its place (its seq) but, for members, loses its content. */
export function seenAs<T extends LogEntry>(entries: T[], role: Role): T[] {
  if (RANK[role] >= RANK.moderator || !entries.some((e) => (e as ChatMessage).hidden)) return entries;
  return entries.map((e) => {
    const m = e as ChatMessage;
    if (!m.hidden) return e;
    const { text: _t, image: _i, reactions: _r, mentions: _m, replyTo: _q, ...rest } = m;
    return rest as T;
  });
}
