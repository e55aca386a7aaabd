import { Worker } from 'node:worker_threads';
import type { AppendOutcome, AppendRequest, MessageWriter } from './message-writer.js';
import type { SqliteFile } from './sqlite-file.js';

/** What the main thread posts to the worker, and what it answers. */
export interface WriteRequest {
  id: number;
  batch: AppendRequest[];
}
export type WriteResponse = { id: number; outcomes: AppendOutcome[] } | { id: number; error: { message: string; code: string | undefined } };
/** What the worker posts: first `ready` (its statements are prepared), then one response per request. */
export type WorkerMessage = WriteResponse | { ready: true };

/** The code of the error a write gets when the worker died under it (a storage outage to clients). */
export const STORAGE_WORKER_LOST = 'STORAGE_WORKER_LOST';

interface Waiting {
  worker: Worker;
  resolve: (outcomes: AppendOutcome[]) => void;
  reject: (error: Error) => void;
}

/**
 * Writes message batches on a SQLite connection of their own, in a worker thread
 * (sqlite-message-writer.worker.ts), with prepared statements and one transaction per batch.
 * The event loop never waits on the disk for a message, and a write costs a few microseconds
 * per message instead of a query built, prepared and run through the threadpool each time:
 * bench/README.md has the before and after. The worker starts with `start()` (or the first
 * write), and again after it dies (the writes it held fail with STORAGE_WORKER_LOST, which
 * clients retry).
 */
export class SqliteMessageWriter implements MessageWriter {
  readonly #file: SqliteFile;
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #closed = false;
  #nextId = 0;
  readonly #waiting = new Map<number, Waiting>();

  constructor(file: SqliteFile) {
    this.#file = file;
  }

  write(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    if (this.#closed) return Promise.reject(new Error('The message writer is closed'));
    const worker = (this.#worker ??= this.#start());
    return new Promise((resolve, reject) => {
      const id = ++this.#nextId;
      this.#waiting.set(id, { worker, resolve, reject });
      worker.ref();
      worker.postMessage({ id, batch } satisfies WriteRequest);
    });
  }

  /** Starts the thread and resolves once it is ready to write, or rejects if it cannot be. */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The message writer is closed'));
    this.#worker ??= this.#start();
    return this.#ready!;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }

  #start(): Worker {
    const worker = new Worker(new URL('./sqlite-message-writer.worker.js', import.meta.url), { workerData: this.#file });
    let ready!: () => void;
    let failed!: (error: Error) => void;
    this.#ready = new Promise<void>((resolve, reject) => ([ready, failed] = [resolve, reject]));
    this.#ready.catch(() => undefined); // when nobody waits for start(), the writes report the failure
    // Held open while starting and while a write waits, so an idle writer never keeps a process alive.
    const unrefIfIdle = () => {
      if (![...this.#waiting.values()].some((w) => w.worker === worker)) worker.unref();
    };
    worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) {
        unrefIfIdle();
        return ready();
      }
      const response = message;
      const waiting = this.#waiting.get(response.id);
      this.#waiting.delete(response.id);
      unrefIfIdle();
      if (!waiting) return;
      if ('outcomes' in response) waiting.resolve(response.outcomes);
      else waiting.reject(Object.assign(new Error(response.error.message), { code: response.error.code }));
    });
    // 'error' and then 'exit' both come, possibly after a new worker took writes: fail only this one's.
    const lost = (cause: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      failed(Object.assign(new Error('The message writer stopped', { cause }), { code: STORAGE_WORKER_LOST }));
      for (const [id, waiting] of this.#waiting) {
        if (waiting.worker !== worker) continue;
        this.#waiting.delete(id);
        waiting.reject(Object.assign(new Error('The message writer stopped', { cause }), { code: STORAGE_WORKER_LOST }));
      }
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    return worker;
  }
}
