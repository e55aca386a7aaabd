import { html, nothing, type TemplateResult } from 'lit';
import type { ChatError, Room } from '@roomchat/sdk';
import type { ComposerController } from '../controllers/composer.js';
import type { ConversationController } from '../controllers/conversation.js';
import type { ExitConfirmController } from '../controllers/exit-confirm.js';
import type { LightboxController } from '../controllers/lightbox.js';
import type { MembersController } from '../controllers/members.js';
import type { ModerationController } from '../controllers/moderation.js';
import type { ScrollAnchoringController } from '../controllers/scroll-anchoring.js';
import type { ConnectionStatus } from './connection-banner.js';
import type { ChatStrings } from '../strings/index.js';
import { renderComposer } from './composer.js';
import { renderConfirm } from './confirm.js';
import { renderConnectionBanner } from './connection-banner.js';
import { renderExitConfirm } from './exit-confirm.js';
import { renderHeader } from './header.js';
import { renderMembers } from './members.js';
import { renderMessageList } from './message-list.js';
import { renderModerationMenu } from './moderation-menu.js';
import { renderModerationNotice } from './moderation-notice.js';
import { renderSearchToggle } from './search.js';
import type { RowContext } from './message-row.js';
import { mentionNames } from './message-text.js';
import { moderates } from '../moderation-rules.js';

/** What the room view draws from: the element's strings and state, and the controllers that own the rest. */
export interface RoomViewParts {
  strings: ChatStrings;
  locale: string | undefined;
  status: ConnectionStatus;
  errorText(error: ChatError): string;
  copyCode(): void;
  copied: boolean;
  /** The invite menu and the bell, drawn by their own views. */
  tools: TemplateResult | typeof nothing;
  composer: ComposerController;
  scroll: ScrollAnchoringController;
  members: MembersController;
  lightbox: LightboxController;
  exitConfirm: ExitConfirmController;
  conversation: ConversationController;
  moderation: ModerationController;
}

/** The room: header and members, the connection banner, the message list, the reply or edit bar, the composer, the lightbox. */
export function renderRoomView(room: Room, parts: RoomViewParts): TemplateResult {
  const { strings: s, composer, scroll, members, lightbox, exitConfirm, conversation, moderation } = parts;
  const header = renderHeader({
    strings: s,
    code: room.code,
    title: room.title,
    copied: parts.copied,
    copy: parts.copyCode,
    tools: html`${renderModerationMenu(s, room, moderation)}${parts.tools}`,
    exit: exitConfirm.ask,
    confirm: exitConfirm.asking ? renderExitConfirm({ strings: s, ...exitConfirm }) : renderConfirm(s, moderation.confirm),
    search: { toggle: renderSearchToggle(s, conversation.search), box: conversation.search.box?.renderSearch(s, conversation.search, parts.locale) ?? nothing },
    members: renderMembers({ strings: s, members: room.members, selfId: room.self.id, open: members.open, toggle: members.toggle, listKey: members.listKey, message: members.message, role: room.role, moderation }),
  });
  const list = renderMessageList({
    strings: s,
    room,
    pending: composer.pending,
    loadingOlder: scroll.loadingOlder,
    moderation: moderation.entries,
    dragging: composer.dragDepth > 0,
    row: rowContext(room, parts),
    scroll: scroll.scrolled,
    loadOlder: () => void scroll.loadOlder(),
    drag: composer.drag,
  });
  // The composer controller's fields and handlers are the view's (draft, error, submit, paste...).
  const form = renderComposer({
    ...composer,
    strings: conversation.composerStrings(s),
    maxLength: room.limits.messageMaxLength,
    newBelow: scroll.newBelow,
    jumpToNew: scroll.jumpToNew,
    input: conversation.input,
    inputKey: conversation.inputKey,
    disabled: moderation.mutedUntil(room) !== undefined,
  });
  const box = lightbox.view?.renderLightbox({ strings: s, shown: lightbox.shown, closed: lightbox.closed, click: lightbox.click, close: lightbox.close }) ?? nothing;
  return html`${header}
    ${renderConnectionBanner(s, parts.status)}
    ${list} ${conversation.renderAboveComposer(room)} ${renderModerationNotice(s, room, moderation, parts.locale)}
    ${form} ${box}`;
}

function rowContext(room: Room, parts: RoomViewParts): RowContext {
  return {
    strings: parts.strings,
    locale: parts.locale,
    errorText: parts.errorText,
    openImage: (message) => void parts.lightbox.open(message),
    mentions: (message) => mentionNames(message, room.members, room.messages, room.self.id),
    // A verified author is found among the present members: a message carries its author's id only.
    author: (message) => (message.authorId === undefined ? undefined : room.members.find((m) => m.id === message.authorId)),
    retry: (clientId) => parts.composer.retry(clientId),
    discard: (clientId) => parts.composer.discard(clientId),
    conversation: parts.conversation.row(room),
    moderates: moderates(room.role),
    memberName: (id) => parts.moderation.name(id),
  };
}
