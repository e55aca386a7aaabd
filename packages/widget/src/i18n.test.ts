// Languages: the built-in tables, plural forms by Intl.PluralRules, how `lang` is chosen, and the
// right-to-left layout of Arabic, in real Chromium against the real server.
import { observedAttributes } from './attributes.js';
import { ChatRoomElement } from './define.js';
import { ar } from './strings/ar.js';
import { de } from './strings/de.js';
import { en } from './strings/en.js';
import { es } from './strings/es.js';
import { ja } from './strings/ja.js';
import { ptBR } from './strings/pt-BR.js';
import { languages, pickLanguage } from './strings/index.js';
import { systemText } from './views/system-text.js';
import { $, afterEach, assert, cleanup, createRoomIn, describe, equal, expectAccessible, it, mount, sdkClient, shadow, waitFor } from './testing.js';

afterEach(() => cleanup());

/** The number as the language writes it (Chromium writes Arabic with Arabic-Indic digits). */
const num = (n: number, lang: string) => n.toLocaleString(lang);

describe('languages', () => {
  it('has Spanish, German, Brazilian Portuguese, Japanese and Arabic besides English and French', () => {
    equal(languages.join(' '), 'en fr es de pt-BR ja ar');
  });

  it('picks a language from regional tags: es-MX → es, de-AT → de, pt and pt-PT → pt-BR, case aside; else English', () => {
    equal(pickLanguage(['es-MX']), 'es');
    equal(pickLanguage(['de-AT']), 'de');
    equal(pickLanguage(['pt']), 'pt-BR');
    equal(pickLanguage(['pt-PT']), 'pt-BR');
    equal(pickLanguage(['PT-br']), 'pt-BR');
    equal(pickLanguage(['ja-JP']), 'ja');
    equal(pickLanguage(['ar-EG']), 'ar');
    equal(pickLanguage(['ru', 'de-CH', 'fr']), 'de', 'the first tag that has a language wins');
    equal(pickLanguage(['ru', 'zh']), 'en');
    equal(pickLanguage([]), 'en');
  });

  it('phrases counts with every plural category the language has (Arabic: zero, one, two, few, many, other)', () => {
    equal(ar.members(0), 'لا أحد هنا');
    equal(ar.members(1), 'شخص واحد هنا');
    equal(ar.members(2), 'شخصان هنا');
    equal(ar.members(3), `${num(3, 'ar')} أشخاص هنا`);
    equal(ar.members(11), `${num(11, 'ar')} شخصًا هنا`);
    equal(ar.members(100), `${num(100, 'ar')} شخص هنا`);
    equal(ar.unread(2), 'رسالتان غير مقروءتين');
    equal(ar.unread(7), `${num(7, 'ar')} رسائل غير مقروءة`);
    equal(ar.reactionLabel('👍', 2), '👍: تفاعلان');
    equal(en.unread(1), '1 unread message');
    equal(en.unread(2), '2 unread messages');
    equal(en.tooLong(4001, 4000), '4,001 / 4,000 characters');
    equal(en.seenBy(['Ann', 'Bo', 'Cy']), 'Seen by Ann and 2 others');
    equal(de.members(1), '1 Person hier');
    equal(de.members(3), '3 Personen hier');
    equal(ja.members(3), '3人が参加中', 'Japanese has one form');
  });

  it('collapses runs of joins and leaves in every language, plurals included', () => {
    const line = (kind: 'join' | 'leave', n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `${kind}${i}`, roomCode: 'R', seq: i + 1, kind, author: ['Ann', 'Bo', 'Cy', 'Di', 'Ed'][i]!, createdAt: '2026-01-01T00:00:00Z' }));
    const five = line('join', 5);
    equal(systemText(five, es, 'es'), 'Ann, Bo y otras 3 personas entraron');
    equal(systemText(line('join', 1), es, 'es'), 'Ann entró');
    equal(systemText(five, de, 'de'), 'Ann, Bo und 3 weitere Personen sind dazugekommen');
    equal(systemText(line('leave', 1), de, 'de'), 'Ann ist gegangen');
    equal(systemText(five, ptBR, 'pt-BR'), 'Ann, Bo e mais 3 pessoas entraram');
    equal(systemText(line('join', 1), ja, 'ja'), 'Annさんが参加しました');
    equal(systemText(five, ja, 'ja'), 'Ann、Bo、他3人が参加しました');
    equal(systemText(line('leave', 2), ar, 'ar'), 'غادر Ann وBo');
    equal(systemText(five, ar, 'ar'), `انضم Ann وBo و${num(3, 'ar')} أشخاص آخرين`);
  });

  it('observes, from the loader on, every attribute the element has', () => {
    equal([...ChatRoomElement.observedAttributes].sort().join(' '), [...observedAttributes].sort().join(' '));
  });
});

describe('<chat-room> lang', () => {
  it('takes its own lang first, then the nearest ancestor\'s, then the browser\'s, loading only that language', async () => {
    const own = await mount({ lang: 'de-AT' });
    equal($(own, '.create').textContent?.trim(), 'Raum erstellen', 'de-AT → German');
    const box = document.createElement('section');
    box.lang = 'es-MX';
    document.body.append(box);
    try {
      const inherited = await mount({}, box);
      equal($(inherited, '.create').textContent?.trim(), 'Crear una sala', 'from the ancestor: es-MX → Spanish');
      const overriding = await mount({ lang: 'pt' }, box);
      equal($(overriding, '.create').textContent?.trim(), 'Criar uma sala', 'its own lang wins: pt → pt-BR');
      const unknown = await mount({ lang: 'ru' }, box);
      // Russian is not built in: the browser's languages come next (the test browser's is English).
      equal(navigator.language.split('-')[0], 'en', 'the test browser speaks English');
      equal($(unknown, '.create').textContent?.trim(), 'Create a room');
    } finally {
      box.remove();
    }
    own.lang = 'ja';
    await own.updateComplete;
    equal($(own, '.create').textContent?.trim(), 'ルームを作成', 'a change of lang switches the language');
    const loaded = performance.getEntriesByType('resource').map((e) => e.name);
    assert(loaded.some((url) => /\/strings\/ja\.js/.test(url)), 'Japanese was loaded when asked for');
    assert(!loaded.some((url) => /\/strings\/fr\.js/.test(url)), 'French, never asked for, was not');
  });
});

describe('<chat-room lang="ar">', () => {
  it('lays the widget out right to left: text from the right, own bubbles on the left, the others\' on the right', async () => {
    const el = await mount({ lang: 'ar', theme: 'light' });
    const frame = $(el, '.frame');
    equal(frame.getAttribute('dir'), 'rtl');
    equal(getComputedStyle(frame).direction, 'rtl');
    equal($(el, '.create').textContent?.trim(), 'إنشاء غرفة');
    await expectAccessible(el);
    const code = await createRoomIn(el, 'Ada');
    equal($(el, '.members-count').textContent, 'شخص واحد هنا');
    const bob = await sdkClient().joinRoom(code, { name: 'Bob' });
    await waitFor(() => $(el, '.members-count').textContent === 'شخصان هنا', 'two members, in the dual');
    await bob.send('مرحبا');
    const input = $<HTMLTextAreaElement>(el, '#input');
    input.value = 'أهلًا';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    $<HTMLButtonElement>(el, '.send').click();
    const own = await waitFor(() => shadow(el).querySelector('.msg.own:not(.pending) .bubble'), 'my message');
    const theirs = await waitFor(() => shadow(el).querySelector('.msg:not(.own) .bubble'), "Bob's message");
    const list = $(el, '.messages').getBoundingClientRect();
    const mine = own.getBoundingClientRect();
    const other = theirs.getBoundingClientRect();
    assert(mine.left - list.left < 40, `my bubble sits at the left edge (${mine.left - list.left}px in)`);
    assert(list.right - other.right < 40 + 32 + 12, `Bob's sits at the right, past his avatar (${list.right - other.right}px in)`);
    assert(mine.right < other.left, 'mine is left of his');
    equal(getComputedStyle($(el, '#input')).direction, 'rtl', 'the composer writes right to left');
    const exit = $(el, '.exit').getBoundingClientRect();
    const code_ = $(el, '.room-code').getBoundingClientRect();
    assert(exit.right < code_.left, 'the header is mirrored: Leave room is left of the code');
    await expectAccessible(el);
  });
});
