/** How two names compare for "is this name taken": case, width and compatibility forms ignored. */
export function foldName(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en').replace(/\s+/g, ' ').trim();
}

/**
 * `name`, or `name (2)`, `name (3)`... : the first that no one in `taken` goes by, so two members
 * present at once never look alike ("Alice" cannot pass for the Alice already there).
 */
export function uniqueName(name: string, taken: Iterable<string>): string {
  const folded = new Set([...taken].map(foldName));
  if (!folded.has(foldName(name))) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!folded.has(foldName(candidate))) return candidate;
  }
}
