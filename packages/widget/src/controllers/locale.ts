import { en, isRtl, loadedStrings, loadStrings, pickLanguage, withOverrides, type ChatStrings } from '../strings/index.js';
import type { ChatHost } from './host.js';

/** The element's attributes that choose or override its text. */
export interface LocaleHost extends ChatHost {
  readonly hasUpdated: boolean;
  strings: Partial<ChatStrings> | undefined;
  /** `title-text`: the heading of the home view and the launcher panel. */
  titleText: string | undefined;
  /** `greeting`: the line under the heading. */
  greeting: string | undefined;
  /** `empty-text`: what an empty room says. */
  emptyText: string | undefined;
}

/**
 * The element's language: the `lang` of the element or of its nearest ancestor (the page's
 * `<html lang>`, across shadow roots), else the browser's languages, else English; see
 * `pickLanguage` for how regional tags match. Tables other than English load on demand: until the
 * first one is there the element does not render (its box keeps its size), and a later change of
 * language keeps the old text until the new table arrives.
 */
export class LocaleController {
  #lang = 'en';
  #table: ChatStrings = en;
  /** The load in flight, if any, and the language it is for. */
  #loading: { lang: string; done: Promise<void> } | null = null;
  readonly #host: LocaleHost;

  constructor(host: LocaleHost) {
    // `resolve` runs from the element's shouldUpdate, before anything renders: no lifecycle hooks.
    this.#host = host;
  }

  /** The language tag the page declared for the element, for dates and numbers; else the chosen language. */
  get locale(): string {
    return declaredLang(this.#host) || this.#lang;
  }

  /** The built-in language in use (`en`, `fr`, `es`, `de`, `pt-BR`, `ja`, `ar`). */
  get lang(): string {
    return this.#lang;
  }

  get dir(): 'ltr' | 'rtl' {
    return isRtl(this.#lang) ? 'rtl' : 'ltr';
  }

  /** A table load in flight: the element's `updateComplete` waits for it. */
  get loading(): Promise<void> | undefined {
    return this.#loading?.done;
  }

  /** The strings to show: the language's table, then `strings`, then the text attributes. */
  get strings(): ChatStrings {
    const host = this.#host;
    const attributes: Partial<ChatStrings> = {};
    if (host.titleText) attributes.title = host.titleText;
    if (host.greeting) attributes.subtitle = host.greeting;
    if (host.emptyText) attributes.empty = host.emptyText;
    return withOverrides(this.#table, { ...host.strings, ...attributes });
  }

  /**
   * Chooses the language again (the element's or an ancestor's `lang` may have changed); false
   * while the element has no table to render with yet.
   */
  resolve(): boolean {
    const wanted = pickLanguage([declaredLang(this.#host), ...(typeof navigator === 'undefined' ? [] : navigator.languages)]);
    if (wanted === this.#lang) {
      this.#loading = null;
      return true;
    }
    const table = loadedStrings(wanted);
    if (table) {
      this.#set(wanted, table);
      return true;
    }
    if (this.#loading?.lang !== wanted) {
      const done = loadStrings(wanted).then((loaded) => {
        if (this.#loading?.lang !== wanted) return;
        this.#set(wanted, loaded);
        this.#host.requestUpdate();
      });
      this.#loading = { lang: wanted, done };
    }
    // The first render waits for the table; later ones keep showing the old language meanwhile.
    return this.#host.hasUpdated;
  }

  #set(lang: string, table: ChatStrings): void {
    this.#lang = lang;
    this.#table = table;
    this.#loading = null;
  }
}

/**
 * The `lang` of the element (the property: lit reflects it to the attribute only after deciding to
 * render) or of its nearest ancestor, crossing shadow roots; empty when none says.
 */
function declaredLang(host: HTMLElement): string {
  if (host.lang) return host.lang;
  for (let node: Node | null = host.parentNode; node; node = node instanceof ShadowRoot ? node.host : node.parentNode) {
    const lang = node instanceof Element ? node.getAttribute('lang') : null;
    if (lang) return lang;
  }
  return '';
}
