import type { ReactiveControllerHost } from 'lit';

/**
 * The element as its controllers see it: lit's host, and the shadow root the views render into.
 * Controllers that need the host's lifecycle (session, scroll anchoring, home form) are lit
 * ReactiveControllers added with `addController`; the others hold a view's state and handlers and
 * only ask the host to render again.
 */
export type ChatHost = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

/** Focuses an element of the shadow root, if it is there. */
export function focusIn(host: ChatHost, selector: string): void {
  host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
}
