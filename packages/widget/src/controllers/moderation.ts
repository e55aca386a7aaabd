import type { ChatError, Member, ModerationEntry, RemovalReason, ReportSummary, Room } from '@roomchat/sdk';
import { ErrorCode } from '@roomchat/sdk';
import { toChatError, errorText } from '../errors.js';
import type { ChatErrorAction } from '../events.js';
import { moderates } from '../moderation-rules.js';
import type { ChatStrings } from '../strings/index.js';
import { ConfirmController } from './confirm.js';
import { focusIn, type ChatHost } from './host.js';

/** setTimeout's longest delay; a longer mute re-renders when it fires and waits again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ModerationOptions {
  room(): Room | null;
  strings(): ChatStrings;
  announce(text: string): void;
  /** Why an action failed shows under the composer, as a failed send's does. */
  composer: { error: string };
  /** Emits chat-error. */
  reportError(error: ChatError, action: ChatErrorAction): void;
  /** The visitor was taken out of `room` (before the room closes). */
  removed?(room: Room, reason: RemovalReason): void;
}

/**
 * Moderation as the visitor lives it (docs/moderation.md): the room's moderation log lines, why it
 * was taken out of the room, its mute and a refused send's slow-mode wait, and the moderator's
 * room menu (lock, slow mode, reports queue; for the owner a new code and closing). The member
 * list's actions go through it too; whatever asks first goes through `confirm`.
 */
export class ModerationController {
  /** This room's moderation entries as they came (the SDK folds them; the log shows them as lines). */
  entries: ModerationEntry[] = [];
  /** Why the visitor was taken out of the last room (kicked, banned, closed), until it goes back home. */
  removed: RemovalReason | null = null;
  menuOpen = false;
  /** The reports queue, once asked for (null: not loaded). */
  reports: ReportSummary[] | null = null;
  /** The code a rotation just gave, shown in the menu. */
  newCode: string | null = null;
  /** The member whose actions are open in the member list. */
  memberOpen: string | null = null;
  readonly confirm: ConfirmController;
  /** Names of members by id, kept from the member list: log lines name members who have left. */
  readonly #names = new Map<string, string>();
  #slowUntil = 0;
  #slowTimer: ReturnType<typeof setInterval> | undefined;
  #muteTimer: ReturnType<typeof setTimeout> | undefined;
  #off: (() => void) | null = null;
  readonly #host: ChatHost;
  readonly #options: ModerationOptions;

  constructor(host: ChatHost, options: ModerationOptions) {
    this.#host = host;
    this.#options = options;
    this.confirm = new ConfirmController(host);
  }

  /** The visitor is in `room`: its entries are collected, its removal and mute heard. */
  entered(room: Room): void {
    this.left();
    this.removed = null;
    this.#remember(room.members);
    const onModeration = (entry: ModerationEntry) => {
      this.entries.push(entry);
      this.#remember(room.members);
      if (entry.action === 'mute' && entry.target === room.self.id) this.#options.announce(this.#mutedText(entry.until));
      this.#watchMute(room);
      this.#host.requestUpdate();
    };
    const onRemoved = ({ reason }: { reason: RemovalReason }) => {
      this.removed = reason;
      this.#options.removed?.(room, reason);
      this.#options.announce(this.#options.strings().mod[reason]);
    };
    const onMembers = () => this.#remember(room.members);
    const onSendFailed = (_entry: unknown, error: ChatError) => this.refused(error);
    room.on('moderation', onModeration);
    room.on('removed', onRemoved);
    room.on('members', onMembers);
    room.on('send-failed', onSendFailed);
    this.#off = () => {
      room.off('moderation', onModeration);
      room.off('removed', onRemoved);
      room.off('members', onMembers);
      room.off('send-failed', onSendFailed);
    };
    this.#watchMute(room);
  }

  /** The room was left (or taken away): its state goes, but why it was taken stays shown. */
  left(): void {
    this.#off?.();
    this.#off = null;
    this.entries = [];
    this.menuOpen = false;
    this.reports = null;
    this.newCode = null;
    this.memberOpen = null;
    this.#names.clear();
    this.confirm.reset();
    this.#slowUntil = 0;
    clearInterval(this.#slowTimer);
    clearTimeout(this.#muteTimer);
  }

  /** The removed state's "Back to the start". */
  backHome = (): void => {
    this.removed = null;
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() => focusIn(this.#host, '#name, #code, .create'));
  };

  /** A member's name by id, also once it left; "someone" if the client never saw it. */
  name(id: string | undefined): string {
    return (id && this.#names.get(id)) || this.#options.strings().mod.someone;
  }

  /** Until when the visitor is muted (ISO 8601), while it is. */
  mutedUntil(room: Room): string | undefined {
    const until = room.moderation.mutedUntil;
    return until && Date.parse(until) > Date.now() ? until : undefined;
  }

  /** Whole seconds until slow mode lets the visitor send again, after a refused send; 0: none. */
  get slowWait(): number {
    return Math.max(0, Math.ceil((this.#slowUntil - Date.now()) / 1000));
  }

  /** A send failed: SLOW_MODE starts the countdown its `retryAfterMs` says. */
  refused(error: ChatError): void {
    if (error.code !== ErrorCode.SLOW_MODE || !error.retryAfterMs) return;
    this.#slowUntil = Date.now() + error.retryAfterMs;
    clearInterval(this.#slowTimer);
    this.#slowTimer = setInterval(() => {
      if (this.slowWait === 0) clearInterval(this.#slowTimer);
      this.#host.requestUpdate();
    }, 1000);
    this.#host.requestUpdate();
  }

  // ------------------------------------------------------------ the room menu

  toggleMenu = (): void => {
    this.menuOpen = !this.menuOpen;
    this.newCode = null;
    this.reports = null;
    this.#host.requestUpdate();
    if (this.menuOpen) void this.#host.updateComplete.then(() => focusIn(this.#host, '.mod-menu button'));
  };

  menuKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      this.menuOpen = false;
      this.#host.requestUpdate();
      void this.#host.updateComplete.then(() => focusIn(this.#host, '.mod-toggle'));
      return;
    }
    // Up and down move between the menu's buttons, as in a menu.
    const step = { ArrowDown: 1, ArrowUp: -1 }[e.key];
    if (!step) return;
    const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button:not([disabled])')];
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    e.preventDefault();
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };

  setLocked = (locked: boolean): void => void this.#act((room) => room.setLocked(locked));
  setSlowMode = (seconds: number): void => void this.#act((room) => room.setSlowMode(seconds));

  showReports = async (): Promise<void> => {
    const room = this.#options.room();
    if (!room) return;
    try {
      this.reports = await room.reports();
    } catch (cause) {
      this.#failed(toChatError(cause));
    }
    this.#host.requestUpdate();
  };

  decide = async (messageId: string, decision: 'keep' | 'remove'): Promise<void> => {
    await this.#act((room) => room.decideReport(messageId, decision));
    if (this.reports) this.reports = this.reports.filter((r) => r.message.id !== messageId);
    this.#host.requestUpdate();
  };

  askRotate = (): void => {
    const s = this.#options.strings().mod;
    this.confirm.ask({ text: s.rotateConfirm, yes: s.rotateCode, back: '.mod-rotate' }, async () => {
      const room = this.#options.room();
      if (!room) return;
      try {
        this.newCode = await room.rotateCode();
        this.#options.announce(s.newCode(this.newCode));
      } catch (cause) {
        this.#failed(toChatError(cause));
      }
      this.#host.requestUpdate();
    });
  };

  askClose = (): void => {
    const s = this.#options.strings().mod;
    this.confirm.ask({ text: s.closeConfirm, yes: s.closeRoom, back: '.mod-close', danger: true }, () => this.#act((room) => room.close()));
  };

  // ------------------------------------------------------------ the member list

  toggleMember = (member: Member): void => {
    this.memberOpen = this.memberOpen === member.id ? null : member.id;
    this.#host.requestUpdate();
    if (this.memberOpen) void this.#host.updateComplete.then(() => focusIn(this.#host, `.member-actions[data-member="${CSS.escape(member.id)}"] button`));
  };

  kick = (member: Member): void => void this.#act((room) => room.kick(member.id));
  ban = (member: Member): void => void this.#act((room) => room.ban({ memberId: member.id }));
  mute = (member: Member, durationMs: number): void => void this.#act((room) => room.mute(member.id, durationMs));
  promote = (member: Member): void => void this.#act((room) => room.promote(member.id));
  demote = (member: Member): void => void this.#act((room) => room.demote(member.id));

  askOwner = (member: Member): void => {
    const s = this.#options.strings().mod;
    this.confirm.ask({ text: s.makeOwnerConfirm(member.name), yes: s.makeOwner, back: '.members' }, () => this.#act((room) => room.transferOwnership(member.id)));
  };

  /** Whether the visitor sees the room menu. */
  shows(room: Room): boolean {
    return moderates(room.role);
  }

  async #act(action: (room: Room) => Promise<unknown>): Promise<void> {
    const room = this.#options.room();
    if (!room) return;
    this.memberOpen = null;
    try {
      await action(room);
    } catch (cause) {
      this.#failed(toChatError(cause));
    }
    this.#host.requestUpdate();
  }

  #failed(error: ChatError): void {
    const s = this.#options.strings();
    this.#options.composer.error = errorText(s, error.code);
    this.#options.reportError(error, 'moderate');
  }

  #remember(members: readonly Member[]): void {
    for (const m of members) this.#names.set(m.id, m.name);
  }

  #mutedText(until: string | undefined): string {
    const time = until ? new Date(until).toLocaleTimeString(this.#host.lang || undefined, { hour: '2-digit', minute: '2-digit' }) : '';
    return this.#options.strings().mod.mutedUntil(time);
  }

  /** Re-renders when the visitor's mute ends, so the composer comes back by itself. */
  #watchMute(room: Room): void {
    clearTimeout(this.#muteTimer);
    const until = this.mutedUntil(room);
    if (!until) return;
    this.#muteTimer = setTimeout(() => {
      this.#host.requestUpdate();
      this.#watchMute(room);
    }, Math.min(MAX_TIMER_MS, Date.parse(until) - Date.now() + 50));
  }
}
