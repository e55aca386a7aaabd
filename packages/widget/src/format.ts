import type { ImageInfo } from '@roomchat/sdk';

// Dates, times and image boxes as the message list shows them, in the widget's locale.

const formats = new Map<string, Intl.DateTimeFormat>();

/** A cached Intl.DateTimeFormat; an unknown locale falls back to the browser's. */
function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions, kind: string): Intl.DateTimeFormat {
  const key = `${kind}|${locale ?? ''}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(locale, options);
    } catch {
      format = new Intl.DateTimeFormat(undefined, options);
    }
    formats.set(key, format);
  }
  return format;
}

/** Local time of day, e.g. "7:14 PM" or "19:14". */
export function formatTime(iso: string, locale: string | undefined): string {
  return formatter(locale, { hour: 'numeric', minute: '2-digit' }, 'time').format(new Date(iso));
}

/** A day separator: "today", "yesterday", else the date (with the year when not this year). */
export function formatDay(date: Date, locale: string | undefined): string {
  const today = new Date();
  const days = Math.round((startOfDay(today) - startOfDay(date)) / 86_400_000);
  if (days === 0 || days === 1) {
    try {
      return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-days, 'day');
    } catch {
      // an unknown locale: fall through to the date
    }
  }
  const sameYear = date.getFullYear() === today.getFullYear();
  return formatter(locale, { weekday: 'long', month: 'long', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) }, `day${sameYear}`).format(date);
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** The box a thumbnail is shown in: the image scaled to fit 240 px on its long side. */
export function thumbSize(image: ImageInfo): { width: number; height: number } {
  const scale = Math.min(1, 240 / Math.max(image.width, image.height, 1));
  return { width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
}
