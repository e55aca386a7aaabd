import { ReadPositions, TypingMembers } from './room-activity.js';
import { ModeratedRoom } from './room-moderation-calls.js';
import { TYPING_REFRESH_MS } from './protocol.js';
import type { ChatMessage, Member, RoomSnapshot } from './protocol.js';
import type { RoomTransport } from './room.js';

/**
 * The part of a {@link Room} that is about who is there and what they do besides writing: members
 * coming and going, who is typing, and how far each has read. None of it is in the room's log, so
 * it is kept apart from the timeline and its catch-up.
 */
export abstract class ActiveRoom extends ModeratedRoom {
  readonly #transport: RoomTransport;
  #reads: ReadPositions;
  #typing = new TypingMembers((members) => this.emit('typing', members));
  #lastTypingSent = 0;

  /** @internal */
  constructor(transport: RoomTransport, snapshot: RoomSnapshot) {
    super(transport, snapshot);
    this.#transport = transport;
    this.#reads = new ReadPositions(snapshot.readSeq ?? 0, snapshot.readPositions ?? {});
  }

  /** The messages loaded so far, oldest first, without gaps. */
  abstract get messages(): readonly ChatMessage[];
  /** The seq of the newest entry loaded: what {@link ActiveRoom.markRead} marks by default. */
  protected abstract _newestSeq(): number;
  /** Whether signals may go out now: joined on the current connection and not left. */
  protected abstract _canSignal(): boolean;

  /** The seq up to which this member has read (stored on the server: it survives reloads). */
  get readSeq(): number {
    return this.#reads.mine;
  }
  /** Messages of others (texts and images, not deleted) loaded after {@link Room.readSeq}. */
  get unreadCount(): number {
    return this.#reads.unread(this.messages, this.self.id);
  }
  /** Others typing now. */
  get typingMembers(): Member[] {
    return this.#typing.members;
  }

  /** The present members (but the author) who have read up to `message`: "seen by". */
  seenBy(message: Pick<ChatMessage, 'seq' | 'authorId'>): Member[] {
    return this.members.filter((m) => m.id !== message.authorId && this.#reads.of(m.id) >= message.seq);
  }

  /**
   * Tells the others this member is typing: call it on every keystroke; it goes out at most every
   * few seconds, and the signal ends by itself. Best effort: failures are ignored.
   */
  typing(): void {
    const now = Date.now();
    if (!this._canSignal() || now - this.#lastTypingSent < TYPING_REFRESH_MS) return;
    this.#lastTypingSent = now;
    this.#transport.request('typing:start', { code: this.code }).catch(() => undefined);
  }

  /**
   * Marks the room read up to `seq` (default: the newest message loaded) and stores it on the
   * server; positions only move forward. Updates {@link Room.unreadCount} at once.
   */
  async markRead(seq: number = this._newestSeq()): Promise<void> {
    if (!this.#reads.advanceMine(seq)) return;
    this.#reads.advance(this.self.id, seq);
    this.emit('unread', this.unreadCount);
    const res = await this.#transport.request('read:mark', { code: this.code, seq });
    this.#reads.advanceMine(res.seq);
  }

  /** @internal Another member is typing. */
  _memberTyping(member: Member): void {
    if (member.id !== this.self.id) this.#typing.start(member);
  }

  /** @internal A member's read position moved. */
  _readUpdated(memberId: string, seq: number): void {
    if (!this.#reads.advance(memberId, seq)) return;
    // Read in another tab of this member.
    if (memberId === this.self.id && this.#reads.advanceMine(seq)) this.emit('unread', this.unreadCount);
    this.emit('read', { memberId, seq });
  }

  /** @internal */
  _memberJoined(member: Member): void {
    this._people.add(member);
    this.emit('member-joined', member);
    this.emit('members', this.members);
  }

  /** @internal */
  _memberLeft(member: Member): void {
    this.#typing.stop(member.id);
    if (!this._people.remove(member.id)) return;
    this.emit('member-left', member);
    this.emit('members', this.members);
  }

  /** Members and read positions as a re-join's snapshot has them. */
  protected _resyncActivity(snapshot: RoomSnapshot): void {
    this._people.reset(snapshot);
    for (const [id, seq] of Object.entries(snapshot.readPositions ?? {})) this._readUpdated(id, seq);
    if ((snapshot.readSeq ?? 0) > this.#reads.mine) this._readUpdated(this.self.id, snapshot.readSeq!);
  }

  /** A member's message arrived: its typing signal ends. */
  protected _stoppedTyping(memberId: string): void {
    this.#typing.stop(memberId);
  }

  /** The room was left: no one is shown typing any more. */
  protected _clearTyping(): void {
    this.#typing.clear();
  }
}
