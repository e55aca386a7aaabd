/**
 * `@roomchat/widget/element`: the `<chat-room>` class and its types, registering nothing. Import
 * `@roomchat/widget` (or load `/widget.js`) to register the element under its usual name.
 */
export { ChatRoomElement, type ChatRoomMode, type ChatRoomTheme } from './chat-room.js';
export {
  chatEvent,
  type ChatConnectionDetail,
  type ChatConnectionEvent,
  type ChatErrorAction,
  type ChatErrorDetail,
  type ChatErrorEvent,
  type ChatJoinEvent,
  type ChatLeaveEvent,
  type ChatMemberDetail,
  type ChatMessageDetail,
  type ChatMessageEvent,
  type ChatReadyDetail,
  type ChatReadyEvent,
  type ChatRoomEventMap,
} from './events.js';
export { en, languages, loadStrings, pickLanguage, plural, type ChatStrings, type PluralForms } from './strings/index.js';
