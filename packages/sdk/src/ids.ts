const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A random id of base-36 characters (20 by default, about 103 bits) from the platform's CSPRNG.
 * `crypto.randomUUID` would do, but browsers offer it only on secure (https) pages.
 */
export function randomId(length = 20): string {
  let id = '';
  while (id.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      // 252 is the largest multiple of 36 not above 256: dropping larger bytes keeps the draw uniform.
      if (byte < 252 && id.length < length) id += ID_ALPHABET[byte % 36];
    }
  }
  return id;
}

/** Base-36 digits of a millisecond time: enough until the year 5138, fixed so that ids sort by time. */
const TIME_DIGITS = 9;

/**
 * A unique id that sorts by the time it was made: the time in milliseconds (base 36, fixed width),
 * then 12 random characters (about 62 bits), so ids of one millisecond still differ. For client
 * ids of messages: the server's index of client ids then grows at its end, where the new ids of
 * every room share a page, instead of taking each message on a random page, which in a busy room
 * costs 2-3× the storing CPU (docs/decisions/0002-group-commit.md; the idea of UUIDv7). A client with a wrong clock
 * only loses that ordering, never uniqueness.
 */
export function timeOrderedId(now = Date.now()): string {
  return Math.max(0, Math.floor(now)).toString(36).padStart(TIME_DIGITS, '0') + randomId(12);
}
