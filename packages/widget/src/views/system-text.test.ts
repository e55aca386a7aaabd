// Runs of join and leave lines collapse into one row, told in the visitor's language.
import type { ChatMessage } from '@roomchat/sdk';
import { en } from '../strings/en.js';
import { fr } from '../strings/fr.js';
import { describe, equal, it } from '../testing.js';
import { buildTimeline } from '../timeline.js';
import { systemText } from './system-text.js';

let seq = 0;
const at = new Date(2026, 11, 6, 12).toISOString();
const line = (kind: 'join' | 'leave', author: string): ChatMessage => ({ id: `s${++seq}`, roomCode: 'R', seq, kind, author, authorId: `id-${author}`, createdAt: at });
const text = (kind: 'text', author: string): ChatMessage => ({ id: `t${++seq}`, roomCode: 'R', seq, kind, author, authorId: `id-${author}`, text: 'hi', createdAt: at });

describe('collapsed join and leave lines', () => {
  it('turns each run of consecutive joins and leaves into one row, keyed by its first line; a message ends a run', () => {
    const messages = [line('join', 'Ann'), line('join', 'Bo'), line('leave', 'Cy'), text('text', 'Ann'), line('leave', 'Ann')];
    const rows = buildTimeline(messages, [], 'id-Ann').filter((r) => r.type !== 'day');
    equal(rows.map((r) => r.type).join(' '), 'system message system');
    const first = rows[0]!;
    equal(first.type === 'system' && first.messages.length, 3);
    equal(first.key, messages[0]!.id);
  });

  it('names up to three people, then "and N others", each person once per kind', () => {
    const names = ['Ann', 'Bo', 'Cy', 'Di', 'Ed'];
    equal(systemText(names.map((n) => line('join', n)), en, 'en'), 'Ann, Bo, and 3 others joined');
    equal(systemText(['Ann', 'Bo', 'Cy'].map((n) => line('join', n)), en, 'en'), 'Ann, Bo, and Cy joined');
    equal(systemText([line('join', 'Ann'), line('leave', 'Ann'), line('join', 'Ann')], en, 'en'), 'Ann joined, Ann left');
    equal(systemText([line('join', 'Ann'), line('leave', 'Bo')], en, 'en'), 'Ann joined, Bo left');
    equal(systemText([line('leave', 'Bo')], en, 'en'), 'Bo left');
  });

  it('agrees in number in French', () => {
    equal(systemText([line('join', 'Ann')], fr, 'fr'), 'Ann est arrivé·e');
    equal(systemText(['Ann', 'Bo', 'Cy', 'Di'].map((n) => line('join', n)), fr, 'fr'), 'Ann, Bo et 2 autres sont arrivé·es');
    equal(systemText([line('leave', 'Ann'), line('leave', 'Bo')], fr, 'fr'), 'Ann et Bo sont parti·es');
  });
});
