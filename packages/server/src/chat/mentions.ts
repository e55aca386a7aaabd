import type { Member } from '@roomchat/protocol';

/**
 * The ids of the members named as `@name` in `text` (case aside; a name ends where a letter or
 * digit does not follow). Longer names first, so "@Ann Lee" is Ann Lee, not Ann.
 */
export function findMentions(text: string, members: Member[]): string[] {
  const lower = text.toLowerCase();
  const found = new Set<string>();
  const taken: Array<[number, number]> = [];
  for (const member of [...members].sort((a, b) => b.name.length - a.name.length)) {
    const token = '@' + member.name.toLowerCase();
    for (let at = lower.indexOf(token); at >= 0; at = lower.indexOf(token, at + 1)) {
      const end = at + token.length;
      if (/[\p{L}\p{N}]/u.test(lower[end] ?? '') || taken.some(([s, e]) => at >= s && at < e)) continue;
      taken.push([at, end]);
      found.add(member.id);
    }
  }
  return [...found];
}
