/**
 * The text of moderation (docs/moderation.md) in the widget: the room menu, member and message
 * actions, what a removed, muted or slowed visitor is told, and the log's moderation lines. A
 * table of its own inside {@link ChatStrings} (`mod`), merged key by key with overrides.
 */
export interface ModerationStrings {
  /** The header button of the room menu (moderators), and the menu's name. */
  menu: string;
  lock: string;
  unlock: string;
  /** The slow-mode choices' heading; `off` is the choice that turns it off. */
  slowMode: string;
  off: string;
  /** A length of time, for slow mode and mutes: "30 seconds", "1 hour". */
  seconds: (n: number) => string;
  minutes: (n: number) => string;
  hours: (n: number) => string;
  /** The reports queue: its button, an empty queue, each message's count and the two decisions. */
  reports: string;
  noReports: string;
  reportCount: (n: number) => string;
  keep: string;
  remove: string;
  /** Owner: a new room code (asks first, then shows it) and closing the room (asks first). */
  rotateCode: string;
  rotateConfirm: string;
  newCode: (code: string) => string;
  closeRoom: string;
  closeConfirm: string;
  /** A message's Report action, the reasons offered, and the thanks once sent. */
  report: string;
  reportQuestion: string;
  reasonSpam: string;
  reasonAbuse: string;
  reasonOther: string;
  reported: string;
  /** A member's actions in the member list; the button that opens them names the member. */
  memberActions: (name: string) => string;
  kick: string;
  ban: string;
  muteFor: (duration: string) => string;
  promote: string;
  demote: string;
  makeOwner: string;
  makeOwnerConfirm: (name: string) => string;
  /** Role badges beside names. */
  owner: string;
  moderator: string;
  admin: string;
  /** The room as a removed visitor sees it, and the way back. */
  kicked: string;
  banned: string;
  closed: string;
  backHome: string;
  /** Above the disabled composer while the visitor is muted; `time` is the end, as HH:MM. */
  mutedUntil: (time: string) => string;
  /** After a send refused by slow mode: when the next may go. */
  slowWait: (seconds: number) => string;
  /** A hidden message's bubble for members, and the marker moderators see on it. */
  hidden: string;
  hiddenMarker: string;
  /** Log lines: `by` acted, `who` was acted on. */
  didKick: (by: string, who: string) => string;
  didBan: (by: string, who: string) => string;
  didUnban: (by: string, who: string) => string;
  didMute: (by: string, who: string, duration: string) => string;
  didUnmute: (by: string, who: string) => string;
  didPromote: (by: string, who: string) => string;
  didDemote: (by: string, who: string) => string;
  didMakeOwner: (by: string, who: string) => string;
  didLock: (by: string) => string;
  didUnlock: (by: string) => string;
  didSlowMode: (by: string, interval: string) => string;
  didSlowModeOff: (by: string) => string;
  didRotate: (by: string) => string;
  didClose: (by: string) => string;
  didHide: string;
  didUnhide: (by: string) => string;
  /** A member no longer in the room, whose name the client never saw. */
  someone: string;
}
