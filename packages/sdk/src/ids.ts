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
