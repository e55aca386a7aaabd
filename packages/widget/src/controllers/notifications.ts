import type { ReactiveController } from 'lit';
import type { ChatMessage, Room } from '@roomchat/sdk';
import type { ChatStrings } from '../strings/index.js';
import type { ChatHost } from './host.js';

/** Whether the visitor turned the bell on, for every tab of the site (localStorage). */
const NOTIFY_KEY = 'roomchat:notify';
/** The page title's unread prefix, "(3) ", as this controller writes it. */
const PREFIX = /^\(\d+\) /;
/** The beep: a short, soft tone, made with WebAudio (no sound file to download). */
const BEEP = { hz: 880, seconds: 0.15, gain: 0.08 };

export interface NotificationsHost extends ChatHost {
  /** Whether a new message plays a sound (the `sound` attribute). */
  sound: boolean;
  readonly serverUrl: string;
  mode: 'inline' | 'launcher' | 'page';
  open: boolean;
}

export interface NotificationsOptions {
  room(): Room | null;
  strings(): ChatStrings;
  announce(text: string): void;
}

type TabNote = { tab: string; watching: boolean } | { hello: string } | { bye: string };

/**
 * Getting the visitor's attention: the page title prefixed with the room's unread count while the
 * tab is hidden, an optional beep, and desktop notifications (asked for only from the bell's
 * click) for mentions and for messages nobody is watching. The tabs of one visitor in one room
 * elect one of them with a Web Lock to notify and beep, so each message is shown once, and tell
 * each other over a BroadcastChannel whether one of them is watching the room.
 */
export class NotificationsController implements ReactiveController {
  /** The title without the prefix, while the prefix is shown. */
  #baseTitle: string | null = null;
  #leader = false;
  /** Bumped on every enter and leave: a lock granted for an earlier room is given back at once. */
  #generation = 0;
  /** What this tab last told the others. */
  #told: boolean | null = null;
  #release: (() => void) | null = null;
  #channel: BroadcastChannel | null = null;
  /** Other tabs in the room, by id: whether each is watching it. */
  #others = new Map<string, boolean>();
  readonly #tab = Math.random().toString(36).slice(2);
  #room: Room | null = null;
  #roomOff: (() => void) | null = null;
  #audio: AudioContext | null = null;
  readonly #host: NotificationsHost;
  readonly #options: NotificationsOptions;

  constructor(host: NotificationsHost, options: NotificationsOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Whether the bell is on (and the browser allows notifications). */
  get enabled(): boolean {
    return supported() && Notification.permission === 'granted' && readNotify();
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#changed);
    window.addEventListener('pagehide', this.#gone);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#changed);
    window.removeEventListener('pagehide', this.#gone);
    this.left();
  }

  hostUpdated(): void {
    // Entering or leaving a room (the session renders each), or opening or closing the panel.
    const room = this.#options.room();
    if (room !== this.#room) {
      if (room) this.#entered(room);
      else this.left();
    }
    this.#tell();
  }

  /** The visitor is in `room`: join the election among its tabs, follow its messages and unread count. */
  #entered(room: Room): void {
    this.left();
    this.#room = room;
    const name = `roomchat:${this.#host.serverUrl} ${room.code}`;
    if (typeof BroadcastChannel !== 'undefined') {
      const channel = new BroadcastChannel(name);
      channel.onmessage = (e: MessageEvent<TabNote>) => this.#heard(e.data);
      channel.postMessage({ hello: this.#tab } satisfies TabNote);
      this.#channel = channel;
    }
    // Held while this tab is in the room; the next tab in line takes it when this one goes.
    const generation = this.#generation;
    if (navigator.locks) {
      void navigator.locks.request(`${name} notify`, () => {
        if (generation !== this.#generation) return undefined;
        this.#leader = true;
        return new Promise<void>((resolve) => (this.#release = resolve));
      });
    } else {
      this.#leader = true;
    }
    const onUnread = () => this.#title();
    const onMessage = (message: ChatMessage) => this.#message(room, message);
    room.on('unread', onUnread);
    room.on('message', onMessage);
    this.#roomOff = () => {
      room.off('unread', onUnread);
      room.off('message', onMessage);
    };
    this.#tell();
  }

  left(): void {
    this.#room = null;
    this.#generation++;
    this.#channel?.postMessage({ bye: this.#tab } satisfies TabNote);
    this.#told = null;
    this.#roomOff?.();
    this.#roomOff = null;
    this.#release?.();
    this.#release = null;
    this.#leader = false;
    this.#channel?.close();
    this.#channel = null;
    this.#others.clear();
    this.#title();
  }

  /** A message was stored in the room: beep and notify, if it is this tab's turn and it calls for it. */
  #message(room: Room, message: ChatMessage): void {
    this.#title();
    const own = message.authorId === room.self.id;
    if (own || !this.#leader || (message.kind !== 'text' && message.kind !== 'image') || message.deletedAt) return;
    const mention = message.mentions?.includes(room.self.id) ?? false;
    const watched = this.#watching() || [...this.#others.values()].some(Boolean);
    if (!mention && watched) return;
    if (this.#host.sound) this.#beep();
    if (!this.enabled) return;
    const s = this.#options.strings();
    const notification = new Notification(s.notificationTitle(message.author, room.title ?? room.code), {
      body: message.kind === 'text' ? (message.text ?? '') : s.sentAnImage(message.author),
      // The same tag in every tab: were two tabs ever to show it, the browser shows it once.
      tag: message.id,
    });
    notification.onclick = () => {
      window.focus();
      this.#host.open = true;
      notification.close();
    };
  }

  /** The bell: asks the browser's permission (only ever from this click), or turns notifications off. */
  toggle = async (): Promise<void> => {
    if (this.enabled) {
      writeNotify(false);
    } else if (supported()) {
      const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
      if (permission === 'granted') writeNotify(true);
      else this.#options.announce(this.#options.strings().notifyBlocked);
    } else {
      this.#options.announce(this.#options.strings().notifyBlocked);
    }
    this.#host.requestUpdate();
  };

  /** The page is going (or into the back-forward cache): the other tabs stop counting it as watching. */
  #gone = (e: PageTransitionEvent): void => {
    this.#channel?.postMessage({ bye: this.#tab } satisfies TabNote);
    this.#told = null;
    // Hand the notifying over now rather than when the browser gets round to freeing the page's
    // locks; a page kept in the back-forward cache joins the election again as it comes back.
    if (e.persisted) return;
    this.#release?.();
    this.#release = null;
    this.#leader = false;
  };

  /** Whether the room is in front of the visitor in this tab: the tab visible and (launcher mode) the panel open. */
  #watching(): boolean {
    return document.visibilityState === 'visible' && (this.#host.mode !== 'launcher' || this.#host.open);
  }

  #changed = (): void => {
    this.#title();
    this.#tell();
  };

  /** "(3) Shop" while the tab is hidden and the room has unread messages; the page's own title otherwise. */
  #title(): void {
    const room = this.#options.room();
    const count = room && !room.left ? room.unreadCount : 0;
    const hidden = document.visibilityState === 'hidden';
    if (hidden && count > 0) {
      this.#baseTitle ??= document.title.replace(PREFIX, '');
      document.title = `(${count}) ${this.#baseTitle}`;
    } else if (this.#baseTitle !== null) {
      document.title = this.#baseTitle;
      this.#baseTitle = null;
    }
  }

  #tell(force = false): void {
    const watching = this.#watching();
    if (!this.#channel || (watching === this.#told && !force)) return;
    this.#told = watching;
    this.#channel.postMessage({ tab: this.#tab, watching } satisfies TabNote);
  }

  #heard(note: TabNote): void {
    if ('hello' in note) this.#tell(true);
    else if ('bye' in note) this.#others.delete(note.bye);
    else this.#others.set(note.tab, note.watching);
  }

  #beep(): void {
    try {
      this.#audio ??= new AudioContext();
      const audio = this.#audio;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = BEEP.hz;
      gain.gain.setValueAtTime(BEEP.gain, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + BEEP.seconds);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + BEEP.seconds);
    } catch {
      // No audio here (or not allowed before a click on the page): silence.
    }
  }
}

const supported = () => typeof Notification !== 'undefined';

function readNotify(): boolean {
  try {
    return localStorage.getItem(NOTIFY_KEY) === 'on';
  } catch {
    return false;
  }
}

function writeNotify(on: boolean): void {
  try {
    if (on) localStorage.setItem(NOTIFY_KEY, 'on');
    else localStorage.removeItem(NOTIFY_KEY);
  } catch {
    // ignore
  }
}
