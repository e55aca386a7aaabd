// The QR code of an invite link, in a module of its own: the element imports it only when a
// QR code is asked for, so the QR library (uqr) is a separate file that most visitors never load
// (docs/decisions/0008-qr-codes-uqr.md).
import { encode } from 'uqr';

/** The QR code of `text`: its width in modules and an SVG path of its dark modules (1×1 squares). */
export function qrPath(text: string): { size: number; path: string } {
  const { size, data } = encode(text, { ecc: 'M', border: 0 });
  let path = '';
  data.forEach((row, y) => row.forEach((dark, x) => dark && (path += `M${x} ${y}h1v1h-1z`)));
  return { size, path };
}
