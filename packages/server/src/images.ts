import { createHash } from 'node:crypto';
import { nanoid } from 'nanoid';
import sharp, { type Metadata } from 'sharp';
import { ErrorCode, type ImageInfo, type ImageType } from '@roomchat/protocol';
import { retryingLocks, type Database, type ImageRow } from './db.js';
import { ChatError } from './errors.js';
import type { ImageUrls } from './image-urls.js';
import type { RoomRecord } from './rooms.js';
import { imageInfo } from './storage/rows.js';

/** sharp's format names for the accepted types. Anything else (SVG, TIFF, HEIF...) is refused. */
const ACCEPTED_FORMATS: Record<string, ImageType> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

export interface ImageLimits {
  maxPixels: number;
  /** Most frames of an animated image. */
  maxFrames: number;
  /** Longest the decode and re-encode (and the thumbnail's) may take; sharp counts whole seconds. */
  timeoutMs: number;
  thumbnailSize: number;
}

export interface ProcessedImage {
  mime: ImageType;
  width: number;
  height: number;
  data: Buffer;
  thumbnail: Buffer;
}

/**
 * Decides the type from the bytes (libvips sniffs magic bytes; the upload's label is ignored),
 * refuses pixel bombs before decoding, and re-encodes, which drops EXIF/GPS and other metadata.
 */
/** PAYLOAD_TOO_LARGE, not UNAVAILABLE: the same bytes would take as long again; fewer pixels would not. */
export function tookTooLong(cause?: unknown): ChatError {
  return new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, 'The image took too long to process; send a smaller one', cause === undefined ? undefined : { cause });
}

export async function processImage(bytes: Buffer, limits: ImageLimits): Promise<ProcessedImage> {
  const tooManyPixels = () => `The image has more than ${limits.maxPixels} pixels`;
  let meta: Metadata;
  try {
    // With the pixel limit here too: sharp refuses a header beyond it (by default beyond 16383^2)
    // already while reading metadata, and that refusal is the image's size, not its type.
    meta = await sharp(bytes, { limitInputPixels: limits.maxPixels }).metadata();
  } catch (cause) {
    if (isPixelLimit(cause)) throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, tooManyPixels(), { cause });
    throw new ChatError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The upload is not a PNG, JPEG, GIF or WebP image', { cause });
  }
  const mime = meta.format ? ACCEPTED_FORMATS[meta.format] : undefined;
  if (!mime) {
    throw new ChatError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The upload is not a PNG, JPEG, GIF or WebP image');
  }
  const frames = meta.pages ?? 1;
  // Each frame is decoded, quantised and encoded again: small frames cost little memory but much
  // CPU (1,000 of them took 6 s), which the pixel limit alone does not bound.
  if (frames > limits.maxFrames) {
    throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, `The animation has ${frames} frames; at most ${limits.maxFrames} are accepted`);
  }
  const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0) * frames;
  if (pixels > limits.maxPixels) {
    throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, tooManyPixels());
  }
  const animated = frames > 1;
  // libvips stops a pipeline past this; sharp takes whole seconds.
  const timeout = { seconds: Math.max(1, Math.ceil(limits.timeoutMs / 1000)) };
  try {
    // limitInputPixels guards the decoder too, in case the header understated the size.
    let pipeline = sharp(bytes, { animated, limitInputPixels: limits.maxPixels, failOn: 'error' }).timeout(timeout);
    if (!animated) pipeline = pipeline.rotate(); // apply EXIF orientation before it is stripped
    const encoded =
      mime === 'image/png' ? pipeline.png() : mime === 'image/jpeg' ? pipeline.jpeg({ quality: 85, mozjpeg: true }) : mime === 'image/gif' ? pipeline.gif() : pipeline.webp({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(data, { limitInputPixels: limits.maxPixels })
      .timeout(timeout)
      .resize(limits.thumbnailSize, limits.thumbnailSize, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    return { mime, width: info.width, height: info.pageHeight ?? info.height, data, thumbnail };
  } catch (cause) {
    if (isPixelLimit(cause)) throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, tooManyPixels(), { cause });
    // PAYLOAD_TOO_LARGE, not UNSUPPORTED_MEDIA_TYPE: the image is of an accepted type and decodes;
    // it is too much work, and a smaller (fewer pixels, fewer frames) one would go through. Not
    // UNAVAILABLE either: sending the same bytes again would fail the same way.
    if (cause instanceof Error && /timeout/i.test(cause.message)) throw tookTooLong(cause);
    throw new ChatError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The image could not be decoded', { cause });
  }
}

/** sharp's refusal of an image beyond limitInputPixels: "Input image exceeds pixel limit". */
function isPixelLimit(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

/** Stored images: original and thumbnail as blobs, served by id. */
export class Images {
  readonly #db: Database;

  readonly #urls: ImageUrls | undefined;

  constructor(db: Database, urls?: ImageUrls) {
    this.#db = db;
    this.#urls = urls;
  }

  /** A private room's images are handed out with signed URLs (image-urls.ts). */
  #signer(room: RoomRecord): ((path: string) => string) | undefined {
    const urls = this.#urls;
    return room.private && urls ? (path) => urls.sign(path) : undefined;
  }

  async store(room: RoomRecord, image: ProcessedImage): Promise<ImageInfo> {
    const row: ImageRow = {
      // 21 random characters: image URLs are capabilities, unguessable like the room code.
      id: nanoid(),
      room_id: room.id,
      mime: image.mime,
      width: image.width,
      height: image.height,
      size: image.data.length,
      etag: etag(image.data),
      data: image.data,
      thumbnail: image.thumbnail,
      thumbnail_etag: etag(image.thumbnail),
      created_at: Date.now(),
    };
    await retryingLocks(this.#db, () => this.#db('images').insert(row));
    return imageInfo(row, this.#signer(room));
  }

  /** The image's description if it belongs to the room, else IMAGE_NOT_FOUND (same answer either way). */
  async infoInRoom(room: RoomRecord, id: string): Promise<ImageInfo> {
    const row = await this.#db<ImageRow>('images').where({ id, room_id: room.id }).first('id', 'mime', 'width', 'height', 'size');
    if (!row) throw new ChatError(ErrorCode.IMAGE_NOT_FOUND, 'No image with that id in this room');
    return imageInfo(row, this.#signer(room));
  }

  /** Whether the image exists, and is of a private room (its URLs are signed). */
  async privacy(id: string): Promise<{ private: boolean } | undefined> {
    const row = await this.#db('images').join('rooms', 'rooms.id', 'images.room_id').where('images.id', id).first('rooms.is_private');
    return row && { private: Boolean(row.is_private) };
  }

  /** The bytes to serve, with their type and ETag. */
  async content(id: string, variant: 'original' | 'thumbnail'): Promise<{ mime: string; etag: string; data: Buffer } | undefined> {
    const columns = variant === 'original' ? (['mime', 'etag', 'data'] as const) : (['thumbnail_etag', 'thumbnail'] as const);
    const row = await this.#db<ImageRow>('images').where({ id }).first(...columns);
    if (!row) return undefined;
    return variant === 'original'
      ? { mime: row.mime, etag: row.etag, data: row.data }
      : { mime: 'image/webp', etag: row.thumbnail_etag, data: row.thumbnail };
  }
}

function etag(data: Buffer): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 27)}"`;
}
