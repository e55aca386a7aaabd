import { ChatError } from './errors.js';
import { ErrorCode, HTTP_PATHS, isChange, isModeration, type ChatMessage, type ErrorPayload, type ImageInfo, type LogEntry } from './protocol.js';

/** What an image can be sent from: a File/Blob in browsers, bytes in Node. */
export type UploadSource = Blob | Uint8Array | ArrayBuffer;

export interface UploadOptions {
  /** Called with the fraction sent, 0..1 (browsers only; Node reports 1 at the end). */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Give up after this long. */
  timeoutMs?: number;
}

type UploadResponse = { image: ImageInfo } | { error: ErrorPayload };

/**
 * Uploads image bytes to a room. The server decides the type from the bytes, so no content type
 * needs to be right; the Blob's own type is sent when it has one.
 */
export async function uploadImage(
  baseUrl: string,
  code: string,
  source: UploadSource,
  options: UploadOptions = {},
  /** The app and token headers of the client (Roomchat-App, Authorization). */
  headers: Record<string, string> = {},
): Promise<ImageInfo> {
  const url = baseUrl + HTTP_PATHS.roomImages(code);
  const body = source instanceof Blob ? source : new Blob([source as BlobPart]);
  const contentType = (source instanceof Blob && source.type) || 'application/octet-stream';
  // XMLHttpRequest is the only browser API that reports upload progress; fetch cannot yet.
  const { status, json } =
    typeof XMLHttpRequest === 'function'
      ? await sendWithXhr(url, body, contentType, options, headers)
      : await sendWithFetch(url, body, contentType, options, headers);
  const parsed = json as UploadResponse | undefined;
  if (parsed && 'image' in parsed && status < 300) {
    options.onProgress?.(1);
    return parsed.image;
  }
  if (parsed && 'error' in parsed) throw ChatError.fromPayload(parsed.error);
  throw new ChatError(status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL, `Upload failed with HTTP ${status}`);
}

interface RawResponse {
  status: number;
  json: unknown;
}

async function sendWithFetch(url: string, body: Blob, contentType: string, options: UploadOptions, headers: Record<string, string>): Promise<RawResponse> {
  const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { ...headers, 'content-type': contentType },
      ...(signals.length ? { signal: anySignal(signals) } : {}),
    });
  } catch (cause) {
    throw networkError(cause, options.signal);
  }
  return { status: res.status, json: await res.json().catch(() => undefined) };
}

function sendWithXhr(url: string, body: Blob, contentType: string, options: UploadOptions, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', contentType);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'json';
    if (options.timeoutMs) xhr.timeout = options.timeoutMs;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) options.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, json: xhr.response });
    xhr.onerror = () => reject(networkError(undefined, options.signal));
    xhr.ontimeout = () => reject(new ChatError(ErrorCode.TIMEOUT, 'The upload timed out'));
    xhr.onabort = () => reject(networkError(undefined, options.signal));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

function networkError(cause: unknown, signal: AbortSignal | undefined): ChatError {
  if (signal?.aborted) return new ChatError(ErrorCode.DISCONNECTED, 'The upload was cancelled', { cause });
  if (cause instanceof DOMException && cause.name === 'TimeoutError') {
    return new ChatError(ErrorCode.TIMEOUT, 'The upload timed out', { cause });
  }
  return new ChatError(ErrorCode.DISCONNECTED, 'The upload could not reach the server', { cause });
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  return signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
}

/** An entry with its image's URLs made absolute by `resolve` (the server sends them relative). */
export function absoluteImageUrls<T extends LogEntry>(entry: T, resolve: (url: string) => string): T {
  if (isChange(entry)) return entry;
  if (isModeration(entry)) return entry.message ? { ...entry, message: absoluteImageUrls(entry.message, resolve) } : entry;
  const message = entry as ChatMessage;
  if (!message.image || /^[a-z][a-z0-9+.-]*:/i.test(message.image.url)) return entry;
  const { url, thumbUrl } = message.image;
  return { ...message, image: { ...message.image, url: resolve(url), thumbUrl: resolve(thumbUrl) } } as unknown as T;
}
