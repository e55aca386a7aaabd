import { html, type TemplateResult } from 'lit';
import type { ChatMessage, Member } from '@roomchat/sdk';
import { parseMessageText, type MentionName, type TextNode } from '../message-format.js';

/** What links carry: a new tab that gets no handle on this page, and no endorsement of the target. */
const LINK_REL = 'noopener noreferrer nofollow ugc';

/** Parsed texts by message: the list re-renders every row on each keystroke, parsing each once is enough. */
const parsed = new WeakMap<object, { key: string; nodes: TextNode[] }>();

/**
 * A message's text as lit templates: links, mentions, bold, italic and code (see
 * message-format.ts). Every piece of user text is bound as text; nothing becomes HTML.
 */
export function renderMessageText(message: Pick<ChatMessage, 'text'>, mentions: readonly MentionName[] = []): Array<TemplateResult | string> {
  const text = message.text ?? '';
  const key = mentions.map((m) => `${m.self ? '!' : ''}${m.name}`).join('\n');
  let entry = parsed.get(message);
  if (entry?.key !== key) {
    entry = { key, nodes: parseMessageText(text, mentions) };
    parsed.set(message, entry);
  }
  return entry.nodes.map(renderNode);
}

function renderNode(node: TextNode): TemplateResult | string {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'link':
      return html`<a href=${node.href} target="_blank" rel=${LINK_REL}>${node.text}</a>`;
    case 'mention':
      return html`<span class=${node.self ? 'mention self' : 'mention'}>${node.text}</span>`;
    case 'code':
      return html`<code>${node.text}</code>`;
    case 'codeblock':
      return html`<pre><code>${node.text}</code></pre>`;
    case 'bold':
      return html`<strong>${node.children.map(renderNode)}</strong>`;
    case 'italic':
      return html`<em>${node.children.map(renderNode)}</em>`;
  }
}

/**
 * The names of the members a message mentions, by id: present members first, then the names
 * members wrote under in the loaded history (a mentioned member may have left since).
 */
export function mentionNames(message: Pick<ChatMessage, 'mentions'>, members: readonly Member[], messages: readonly ChatMessage[], selfId: string): MentionName[] {
  if (!message.mentions?.length) return [];
  const names: MentionName[] = [];
  for (const id of message.mentions) {
    let name = members.find((m) => m.id === id)?.name;
    for (let i = messages.length - 1; name === undefined && i >= 0; i--) if (messages[i]!.authorId === id) name = messages[i]!.author;
    if (name) names.push({ name, self: id === selfId });
  }
  return names;
}
