import { html, nothing, type TemplateResult } from 'lit';
import type { ImageInfo } from '@roomchat/sdk';
import { closeIcon, externalIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

// Loaded on the first click on an image (late-part.ts).
export { lightboxStyles as styles } from './lightbox.styles.js';

/** The image the lightbox shows, and whose it is (for its label). */
export interface LightboxImage {
  image: ImageInfo;
  author: string;
}

export interface LightboxContext {
  strings: ChatStrings;
  shown: LightboxImage | null;
  /** The dialog closed (Escape, the close button, the backdrop). */
  closed: () => void;
  click: (e: MouseEvent) => void;
  close: () => void;
}

/**
 * A modal `<dialog>` with the image full size and a link to the original. The dialog stays in the
 * DOM, empty while closed, so `showModal()` can open it as soon as an image is set.
 */
export function renderLightbox(ctx: LightboxContext): TemplateResult {
  const s = ctx.strings;
  const box = ctx.shown;
  return html`<dialog part="lightbox" aria-label=${box ? s.imageAlt(box.author) : s.openImage} @close=${ctx.closed} @click=${ctx.click}>
      ${box
        ? html`<div class="dialog-bar">
              <a href=${box.image.url} target="_blank" rel="noopener noreferrer">${externalIcon}${s.openOriginal}</a>
              <button class="icon-btn close-image" aria-label=${s.closeImage} title=${s.closeImage} @click=${ctx.close}>${closeIcon}</button>
            </div>
            <img src=${box.image.url} alt=${s.imageAlt(box.author)} />`
        : nothing}
    </dialog>`;
}
