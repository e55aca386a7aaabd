import { supportsAdoptingStyleSheets, type CSSResult } from 'lit';
import type { ChatHost } from './controllers/host.js';

/** A part of the widget few visitors use (search, the invite menu, the lightbox): its view and the styles it needs. */
export interface LatePart {
  styles: CSSResult;
}

/** Style elements added where constructable stylesheets are missing, so that each part's goes in once. */
const added = new WeakMap<ShadowRoot, Set<CSSResult>>();

/**
 * Loads a part on first use, a chunk of its own, and adds its styles to the element's shadow root,
 * before the last sheet (reduced motion), so that the order of chat-room.styles.ts holds. Keeps
 * the rest of the widget smaller for the many visitors who never open it.
 */
export async function loadPart<M extends LatePart>(host: ChatHost, load: () => Promise<M>): Promise<M> {
  const part = await load();
  const root = host.renderRoot;
  if (!(root instanceof ShadowRoot)) return part;
  const sheet = part.styles.styleSheet;
  if (supportsAdoptingStyleSheets && sheet) {
    const sheets = root.adoptedStyleSheets;
    if (!sheets.includes(sheet)) root.adoptedStyleSheets = [...sheets.slice(0, -1), sheet, ...sheets.slice(-1)];
  } else {
    const done = added.get(root) ?? new Set();
    if (!done.has(part.styles)) {
      const style = document.createElement('style');
      style.textContent = part.styles.cssText;
      root.append(style);
      done.add(part.styles);
      added.set(root, done);
    }
  }
  return part;
}
