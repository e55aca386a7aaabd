import type { ChatMessage } from '@roomchat/protocol';
import type { Images } from '../images.js';
import type { ModerationGate } from '../moderation/gate.js';
import type { EntryData } from '../message-writer.js';
import type { Messages, NewMessage } from '../messages.js';
import type { Presence } from '../presence.js';
import type { RateLimits } from '../rate-limits.js';
import type { RoomRecord } from '../rooms.js';
import { quoteOf } from '../storage/rows.js';
import { spendEntry, type Actor, type Author, type Queued } from './actor.js';
import { findMentions } from './mentions.js';
import type { RoomLog } from './room-log.js';
import type { RoomRules } from './room-rules.js';
import { messageTarget } from './targets.js';

/** What is sent to a room (already validated by the transport's schema): text or an uploaded image. */
export interface SendRequest {
  code: string;
  /** The sender's id for the message: a repeat answers with the stored original. */
  clientId?: string | undefined;
  text?: string | undefined;
  imageId?: string | undefined;
  /** The id of the room's message this one replies to. */
  replyTo?: string | undefined;
}

/** A member's message ready to store: text, or an image checked to belong to the room. */
export type ComposedMessage = NewMessage & { kind: 'text' | 'image' };

interface Deps {
  messages: Messages;
  images: Images;
  presence: Presence;
  rateLimits: RateLimits;
  log: RoomLog;
  /** The app's filters and pre-publish hook (moderation/gate.ts). */
  gate: ModerationGate;
  rules: RoomRules;
}

/**
 * Sending a message, the same for a socket and for REST: the actor's membership, its budget, the
 * message composed (image, reply, mentions), then stored and published by the room's log.
 */
export class Sending {
  readonly #deps: Deps;

  constructor(deps: Deps) {
    this.#deps = deps;
  }

  /**
   * Sends as `actor`. Resolves once the message is queued for storing (so a connection's next send
   * can be checked meanwhile and share the commit); its `stored` once it is committed, with the
   * stored message (the original for a repeated client id). A text passes the app's filters and
   * hook first (moderation/gate.ts), unless the app's own backend sent it.
   */
  async send(actor: Actor, request: SendRequest): Promise<Queued<ChatMessage>> {
    const { room, member } = actor.membership(request.code);
    // Closed, muted, slow mode: from the room's rules in memory (chat/room-rules.ts), no database read.
    await this.#deps.rules.checkSend(room.id, member.id, actor.moderator === true || actor.admin === true);
    await spendEntry(this.#deps.rateLimits, actor);
    const message = await this.compose(room, member, request);
    if (message.text === undefined || actor.asApp) return { stored: this.#deps.log.append(room, message, actor.connectionId) as Promise<ChatMessage> };
    const mentions = async () => message.data?.mentions?.length ?? 0;
    const passage = await this.#deps.gate.review({ kind: 'message', room, author: member, text: message.text, mentions });
    try {
      if (passage.text !== message.text && message.data?.mentions) {
        // Masked or replaced: mark only the members the stored text still names.
        const mentioned = findMentions(passage.text, await this.#deps.presence.list(room));
        if (mentioned.length) message.data.mentions = mentioned;
        else delete message.data.mentions;
      }
      message.text = passage.text;
      return { stored: this.#deps.log.append(room, message, actor.connectionId) as Promise<ChatMessage> };
    } finally {
      passage.done();
    }
  }

  /**
   * Turns what a member sent into a message to store; an image must be one of the room's, a reply
   * answers a message of the room (quoted as it is now), and `@name`s of present members are marked.
   */
  async compose(room: RoomRecord, author: Author, request: SendRequest): Promise<ComposedMessage> {
    const { clientId, text, imageId, replyTo } = request;
    const by = { author: author.name, authorId: author.id, clientId };
    const composed: ComposedMessage =
      imageId === undefined ? { kind: 'text', ...by, text } : { kind: 'image', ...by, image: await this.#deps.images.infoInRoom(room, imageId) };
    // A plain message (the hot path) costs nothing more: only a reply reads its target, and only a
    // text with an @ reads the member list (from Redis, with several nodes).
    if (replyTo === undefined && !text?.includes('@')) return composed;
    const data: EntryData = {};
    if (replyTo !== undefined) {
      const target = await messageTarget(this.#deps.messages, room, replyTo);
      composed.quote = quoteOf(target);
      data.replyTo = String(target.id);
    }
    if (text?.includes('@')) {
      const mentions = findMentions(text, await this.#deps.presence.list(room));
      if (mentions.length) data.mentions = mentions;
    }
    if (data.replyTo !== undefined || data.mentions) composed.data = data;
    return composed;
  }
}
