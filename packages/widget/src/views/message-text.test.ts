// The bubble's text renderer in real Chromium: links, formatting, mentions and hostile input,
// rendered with lit into a plain element (and, for direction, in the element against the server).
import { render } from 'lit';
import type { ChatMessage } from '@roomchat/sdk';
import '../define.js';
import { parseMessageText, safeHref } from '../message-format.js';
import { $$, afterEach, assert, cleanup, describe, equal, it, mount, nextEvent, sdkClient, shadow, waitFor } from '../testing.js';
import { mentionNames, renderMessageText } from './message-text.js';

const boxes: HTMLElement[] = [];
afterEach(() => {
  for (const box of boxes.splice(0)) box.remove();
  cleanup();
});

/** Renders `text` as a bubble would and returns the container. */
function show(text: string, mentions: Array<{ name: string; self: boolean }> = []): HTMLElement {
  const box = document.createElement('div');
  document.body.append(box);
  boxes.push(box);
  render(renderMessageText({ text }, mentions), box);
  return box;
}

const hrefs = (box: HTMLElement) => [...box.querySelectorAll('a')].map((a) => a.getAttribute('href'));
/** The rendered elements as a compact outline: `strong(em(x))`. */
const outline = (node: Node): string =>
  [...node.childNodes]
    .filter((n) => n.nodeType !== Node.COMMENT_NODE) // lit's markers
    .map((n) => (n.nodeType === Node.TEXT_NODE ? n.textContent : `${(n as Element).localName}(${outline(n)})`))
    .join('');

describe('message text: links', () => {
  it('makes http, https and mailto links into anchors that open a new tab without a handle on this page', () => {
    const box = show('see https://example.com/a?b=1 or mail ann@example.org or http://example.net');
    equal(hrefs(box).join(' '), 'https://example.com/a?b=1 mailto:ann@example.org http://example.net/');
    for (const a of box.querySelectorAll('a')) {
      equal(a.getAttribute('rel'), 'noopener noreferrer nofollow ugc');
      equal(a.getAttribute('target'), '_blank');
    }
    equal(box.textContent, 'see https://example.com/a?b=1 or mail ann@example.org or http://example.net', 'the text is shown as typed');
  });

  it('leaves trailing punctuation and closing parentheses out of a link, but keeps balanced ones inside it', () => {
    const box = show('(see https://example.com/x). Or https://en.wikipedia.org/wiki/Foo_(bar), ok? www.example.org!');
    equal(hrefs(box).join(' '), 'https://example.com/x https://en.wikipedia.org/wiki/Foo_(bar) http://www.example.org/');
  });

  it('links to the normalised URL: scheme lower-cased, international domains in punycode', () => {
    const box = show('HTTPS://EXAMPLE.COM and http://bücher.example/straße');
    equal(hrefs(box).join(' '), 'https://example.com/ http://xn--bcher-kva.example/stra%C3%9Fe');
    equal(box.querySelectorAll('a')[1]!.textContent, 'http://bücher.example/straße', 'shown as typed');
  });

  it('never makes javascript:, data:, vbscript: or relative URLs into links, nor markdown-style links', () => {
    const box = show('javascript:alert(1) [x](javascript:alert(1)) data:text/html,<b>hi</b> vbscript:msgbox(1) /relative ./x JaVaScRiPt:alert(1)');
    equal(box.querySelectorAll('a').length, 0);
    equal(box.textContent, 'javascript:alert(1) [x](javascript:alert(1)) data:text/html,<b>hi</b> vbscript:msgbox(1) /relative ./x JaVaScRiPt:alert(1)');
    equal(box.querySelector('b'), null, 'markup in the text stays text');
  });

  it('checks every href again for its scheme', () => {
    equal(safeHref('https://example.com'), 'https://example.com/');
    equal(safeHref('mailto:a@b.example'), 'mailto:a@b.example');
    equal(safeHref('javascript:alert(1)'), undefined);
    equal(safeHref(' javascript:alert(1)'), undefined);
    equal(safeHref('data:text/html,x'), undefined);
    equal(safeHref('/relative'), undefined);
    equal(safeHref('ftp://example.com'), undefined);
  });
});

describe('message text: hostile input', () => {
  it('shows <script> and other markup as the text typed, creating no elements', () => {
    const text = '<script>alert(1)</script><img src=x onerror=alert(1)> &lt; <a href="javascript:x">y</a>';
    const box = show(text);
    equal(box.textContent, text);
    equal(box.querySelectorAll('script, img, a').length, 0);
  });

  it('renders a 4000-character message of *_ alternations whole, in short, shallow spans', () => {
    const text = '*_'.repeat(2000);
    const box = show(text);
    const spans = box.querySelectorAll('strong, em').length;
    assert(spans > 1000, `the balanced pairs are formatted (${spans})`);
    equal(box.textContent!.length + 2 * spans, text.length, 'every character is shown, or is one of the two markers of a span');
    equal(box.querySelectorAll('strong strong, em em, strong em strong, em strong em').length, 0, 'never nested deeper than bold in italic');
  });

  it('keeps unbalanced markers by the thousand as text', () => {
    for (const text of ['*a '.repeat(1300), '*'.repeat(4000), '`'.repeat(4001), '```'.repeat(1333), '_x'.repeat(2000)]) {
      const box = show(text);
      equal(box.textContent, text);
    }
  });
});

describe('message text: formatting', () => {
  const cases: Array<[string, string]> = [
    ['*bold* and _italic_', 'strong(bold) and em(italic)'],
    ['**bold** and __italic__', 'strong(bold) and em(italic)'],
    ['*_both_*', 'strong(em(both))'],
    ['*a _b* c_', 'strong(a _b) c_'],
    ['*open and _open', '*open and _open'],
    ['snake_case_name and 2*3*4', 'snake_case_name and 2*3*4'],
    ['* not bold *', '* not bold *'],
    ['***three***', '***three***'],
    ['*two\nlines*', '*two\nlines*'],
    ['`*not bold* https://example.com`', 'code(*not bold* https://example.com)'],
    ['a `` b', 'a `` b'],
    ['*see https://example.com/a_b_*', 'strong(see a(https://example.com/a_b_))'],
    ['before\n```\nfn(*x*)\n  _y_\n```\nafter *z*', 'before\npre(code(fn(*x*)\n  _y_))\nafter strong(z)'],
    ['```unclosed *b*', '```unclosed strong(b)'],
  ];
  for (const [text, expected] of cases) {
    it(`renders ${JSON.stringify(text)} as ${JSON.stringify(expected)}`, () => {
      equal(outline(show(text)), expected);
    });
  }
});

describe('message text: mentions', () => {
  it("highlights @name of the mentioned members, the visitor's own more strongly, ignoring longer names and code", () => {
    const box = show('hi @ann and @Bo Lee, not @Annabel, `@ann` or bob@bo', [
      { name: 'Ann', self: true },
      { name: 'Bo Lee', self: false },
    ]);
    const spans = [...box.querySelectorAll('.mention')].map((s) => `${s.className}:${s.textContent}`);
    equal(spans.join(', '), 'mention self:@ann, mention:@Bo Lee');
    equal(box.querySelector('code .mention'), null);
  });

  it('finds the names of mentioned members among those present, then among authors of loaded messages', () => {
    const message = { mentions: ['m1', 'm2', 'gone'] } as ChatMessage;
    const history = [{ authorId: 'm2', author: 'Bo' }] as ChatMessage[];
    const names = mentionNames(message, [{ id: 'm1', name: 'Ann' }], history, 'm1');
    equal(JSON.stringify(names), JSON.stringify([{ name: 'Ann', self: true }, { name: 'Bo', self: false }]));
    equal(parseMessageText('@Ann', names)[0]?.type, 'mention');
  });
});

describe('message text in <chat-room>', () => {
  it('lays out an Arabic message right to left and an English one left to right, links included', async () => {
    const bob = await sdkClient().createRoom({ name: 'Bob' });
    const el = await mount({ room: bob.code, name: 'Ada' });
    await nextEvent(el, 'chat-ready');
    await bob.send('مرحبا بكم في الغرفة https://example.com');
    await bob.send('Hello *there*');
    await waitFor(() => $$(el, '.msg:not(.own) .bubble').length === 2, 'both messages');
    const bubbles = $$(el, '.msg:not(.own) .bubble');
    equal(getComputedStyle(bubbles[0]!).direction, 'rtl');
    equal(getComputedStyle(bubbles[1]!).direction, 'ltr');
    equal(bubbles[0]!.querySelector('a')?.getAttribute('href'), 'https://example.com/');
    equal(bubbles[1]!.querySelector('strong')?.textContent, 'there');
    assert(shadow(el).querySelector('.bubble[dir="auto"]'));
  });
});
