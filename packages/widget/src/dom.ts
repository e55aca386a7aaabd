import { randomId } from '@roomchat/sdk';

// Small browser helpers the element uses: scrolling, drag data, the clipboard, session storage.

/** Within this many pixels of the bottom, a list counts as scrolled to the bottom. */
const BOTTOM_SLACK_PX = 48;

export function isAtBottom(list: HTMLElement): boolean {
  return list.scrollHeight - list.scrollTop - list.clientHeight <= BOTTOM_SLACK_PX;
}

/** Whether a drag carries files (not text or a link). */
export function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Grows a text area with its text where CSS `field-sizing: content` is missing (it is in
 * Chromium 123+). The CSSOM `style` property is not an inline style attribute, so CSP allows it.
 */
export function autosize(area: HTMLTextAreaElement): void {
  if (CSS.supports('field-sizing', 'content')) return;
  area.style.height = 'auto';
  area.style.height = `${area.scrollHeight + 2}px`;
}

/** Copies text with the async Clipboard API, or the older selection way where that is missing (plain http). */
export async function copyText(text: string, root: ShadowRoot): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  root.append(area);
  area.select();
  try {
    document.execCommand('copy');
  } finally {
    area.remove();
  }
}

const MEMBER_ID_KEY = 'roomchat:member-id';
const NAME_KEY = 'roomchat:name';

/** The visitor's member id for this tab, so a reload rejoins as the same member (see JoinOptions.memberId). */
export function sessionMemberId(): string {
  const existing = readSession(MEMBER_ID_KEY);
  if (existing) return existing;
  const id = randomId();
  writeSession(MEMBER_ID_KEY, id);
  return id;
}

/** The name the visitor last used in this tab, to prefill the home view. */
export function sessionName(): string | null {
  return readSession(NAME_KEY);
}

export function rememberName(name: string): void {
  writeSession(NAME_KEY, name);
}

// sessionStorage throws in sandboxed frames and some privacy modes; the widget works without it.
function readSession(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeSession(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // ignore
  }
}
