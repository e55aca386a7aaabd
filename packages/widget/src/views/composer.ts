import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { IMAGE_TYPES } from '@roomchat/sdk';
import { downIcon, imageIcon, sendIcon } from '../icons.js';
import type { ChatStrings } from '../strings/index.js';

export interface ComposerContext {
  strings: ChatStrings;
  /** The text being written. */
  draft: string;
  /** The room's longest message, in characters (code points, as the server counts). */
  maxLength: number;
  /** Why the last send or switch did not happen, shown under the input; empty for none. */
  error: string;
  /** Whether the visitor may not write now (muted): the input and its buttons are disabled. */
  disabled?: boolean;
  /** Whether messages arrived below while the visitor was reading above. */
  newBelow: boolean;
  jumpToNew: () => void;
  submit: (e: Event) => void;
  input: (e: Event) => void;
  inputKey: (e: KeyboardEvent) => void;
  paste: (e: ClipboardEvent) => void;
  pickFile: () => void;
  filesPicked: (e: Event) => void;
}

/** The form at the bottom: the image picker, the text area with its counter and error, Send. */
export function renderComposer(ctx: ComposerContext): TemplateResult {
  const s = ctx.strings;
  const length = [...ctx.draft].length;
  const max = ctx.maxLength;
  // The counter appears near the limit only, so it does not distract while writing.
  const showCounter = length > max * 0.9;
  return html`<form class="composer" part="composer" @submit=${ctx.submit}>
      ${ctx.newBelow
        ? html`<button type="button" class="new-below" @click=${ctx.jumpToNew}>${downIcon}${s.newMessages}</button>`
        : nothing}
      <input id="file" type="file" accept=${IMAGE_TYPES.join(',')} multiple hidden @change=${ctx.filesPicked} />
      <button type="button" class="icon-btn attach" part="attach-button" aria-label=${s.attachImage} title=${s.attachImage} ?disabled=${ctx.disabled} @click=${ctx.pickFile}>
        ${imageIcon}
      </button>
      <div class="input-wrap">
        <label class="visually-hidden" for="input">${s.inputLabel}</label>
        <textarea
          id="input"
          part="input"
          rows="1"
          placeholder=${s.inputPlaceholder}
          .value=${live(ctx.draft)}
          aria-invalid=${length > max ? 'true' : 'false'}
          aria-describedby="composer-help"
          enterkeyhint="send"
          ?disabled=${ctx.disabled}
          @input=${ctx.input}
          @keydown=${ctx.inputKey}
          @paste=${ctx.paste}
        ></textarea>
        <div id="composer-help">
          ${showCounter ? html`<div class="counter ${length > max ? 'over' : ''}">${s.tooLong(length, max)}</div>` : nothing}
          ${ctx.error ? html`<div class="composer-error" role="alert">${ctx.error}</div>` : nothing}
        </div>
      </div>
      <button type="submit" class="send" part="send-button" aria-label=${s.send} title=${s.send} ?disabled=${ctx.disabled || !ctx.draft.trim() || length > max}>
        ${sendIcon}
      </button>
    </form>`;
}
