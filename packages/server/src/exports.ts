import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LogEntry } from '@roomchat/protocol';
import type { Database, ImageRow } from './db.js';
import type { Messages } from './messages.js';
import type { RoomRecord } from './rooms.js';

/** File name extensions of the stored image types. */
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/**
 * Every entry of a room's log, in seq order, as history pages show them (messages as they are
 * now, with their reactions and reply quotes; change entries as they were made), read page by
 * page by key: however big the room, at most `pageSize` entries are held at once.
 */
export async function* roomEntries(messages: Messages, room: RoomRecord, pageSize: number): AsyncGenerator<LogEntry> {
  let after = 0;
  for (;;) {
    const page = await messages.page(room, { after, limit: pageSize });
    for (const entry of page.messages) yield entry;
    if (!page.hasMore || page.messages.length === 0) return;
    after = page.messages.at(-1)!.seq;
  }
}

/** The log as JSON lines (one entry a line, `\n`-terminated), for a streamed HTTP answer. */
export async function* roomEntryLines(messages: Messages, room: RoomRecord, pageSize: number): AsyncGenerator<string> {
  for await (const entry of roomEntries(messages, room, pageSize)) yield `${JSON.stringify(entry)}\n`;
}

/** A room's stored images (the re-encoded originals), one at a time: ids are read a page at a time, bytes one image at a time. */
export async function* roomImages(db: Database, room: RoomRecord, pageSize: number): AsyncGenerator<Pick<ImageRow, 'id' | 'mime' | 'data'>> {
  let after = '';
  for (;;) {
    const ids: Array<{ id: string }> = await db('images').where({ room_id: room.id }).where('id', '>', after).orderBy('id').limit(pageSize).select('id');
    for (const { id } of ids) {
      const image = await db<ImageRow>('images').where({ id }).first('id', 'mime', 'data');
      if (image) yield image; // deleted meanwhile: nothing to export
    }
    if (ids.length < pageSize) return;
    after = ids.at(-1)!.id;
  }
}

/** The file an exported image is written to, under the export's directory. */
export function imageFileName(image: Pick<ImageRow, 'id' | 'mime'>): string {
  return `images/${image.id}.${EXTENSIONS[image.mime] ?? 'bin'}`;
}

export interface ExportReport {
  entries: number;
  images: number;
}

/**
 * Writes a room's export into `dir` (created if missing): `room.json` (code, key, title, dates),
 * `messages.jsonl` (every log entry in seq order) and `images/<id>.<ext>` for each stored image.
 * Written with the stream's backpressure respected, page by page: memory stays bounded.
 */
export async function writeRoomExport(db: Database, messages: Messages, room: RoomRecord, dir: string, pageSize: number): Promise<ExportReport> {
  await mkdir(path.join(dir, 'images'), { recursive: true });
  await writeFile(path.join(dir, 'room.json'), `${JSON.stringify({ ...room, id: undefined, exportedAt: new Date().toISOString() }, null, 2)}\n`);
  const report: ExportReport = { entries: 0, images: 0 };
  const out = createWriteStream(path.join(dir, 'messages.jsonl'));
  const failed = once(out, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => undefined);
  try {
    for await (const line of roomEntryLines(messages, room, pageSize)) {
      report.entries++;
      if (!out.write(line)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } finally {
    out.destroy();
  }
  for await (const image of roomImages(db, room, pageSize)) {
    await writeFile(path.join(dir, imageFileName(image)), image.data);
    report.images++;
  }
  return report;
}
