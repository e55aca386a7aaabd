import { Worker } from 'node:worker_threads';
import { WalIndex, type SqliteFile } from './sqlite-file.js';

/** What the thread is started with, what it is asked (to checkpoint), and what it posts. */
export interface CheckpointerData {
  file: SqliteFile;
  readerWaitMs: number;
}
export interface CheckpointRequest {
  id: number;
  /** PASSIVE copies the WAL into the database alongside the writer; RESTART also starts the WAL over. */
  mode: 'PASSIVE' | 'RESTART';
}
/** `ready` once its connection is open, then each request done; `busy` if a reader or lock kept it from finishing. */
export type CheckpointerMessage = { ready: true } | { id: number; busy: boolean };

/** The WAL length (in pages) at which it is copied into the database: SQLite's own autocheckpoint threshold. */
export const CHECKPOINT_AT_FRAMES = 1_000;
/** The WAL length at which the writer waits for it to start over (it did not by itself meanwhile). */
export const RESTART_AT_FRAMES = 2 * CHECKPOINT_AT_FRAMES;
/** How long a RESTART waits for readers of the frames it copied before it leaves the WAL as is. */
const READER_WAIT_MS = 100;
/** After a RESTART that a reader held up (a long one: a backup, say), when the writer waits for the next. */
const RESTART_BACKOFF_MS = 1_000;
/** After the thread stops unexpectedly, when a new one is started. */
const RESPAWN_DELAY_MS = 1_000;

/**
 * Runs SQLite's WAL checkpoints on a thread of its own. In WAL mode with synchronous=NORMAL a
 * commit is a write into the page cache; the fsyncs happen in checkpoints, which SQLite otherwise
 * runs inside the commit that takes the WAL past 1,000 pages, stalling the event loop for as long
 * as the disk takes (3 ms here, far more on a busy disk).
 *
 * Here the message writer asks after such a commit (`afterCommit`), and goes on writing while the
 * thread copies the WAL (PASSIVE). The WAL starts over, instead of growing, when a transaction
 * begins and finds it all copied, which happens by itself whenever the copy ends between two
 * batches; under a steady stream of messages it may not, so at RESTART_AT_FRAMES the writer holds
 * its next batch while the thread copies the rest and starts the WAL over (RESTART), as SQLite's
 * own checkpoint would hold it, but with the event loop serving everything else meanwhile. The
 * connections still checkpoint themselves at a fallback length (FALLBACK_AUTOCHECKPOINT_PAGES),
 * so if this thread is ever missing, the WAL stays bounded.
 */
export class SqliteCheckpointer {
  readonly #file: SqliteFile;
  readonly #onError: (error: Error) => void;
  #worker: Worker | undefined;
  /** The current thread's start: resolved once its connection is open. */
  #started: Promise<void> | undefined;
  #ready = false;
  /** null: the `-shm` file could not be read as a wal-index (then only the fallback checkpoints). */
  #walIndex: WalIndex | null | undefined;
  /** The checkpoint the thread is running: one at a time. */
  #running: Promise<void> | undefined;
  #noRestartBefore = 0;
  #nextId = 0;
  readonly #waiting = new Map<number, () => void>();
  #respawn: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(file: SqliteFile, onError: (error: Error) => void = () => {}) {
    this.#file = file;
    this.#onError = onError;
  }

  /** Starts the thread; resolves once its connection is open, rejects if it cannot be. */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The checkpointer is closed'));
    if (this.#worker) return this.#started!;
    const worker = new Worker(new URL('./sqlite-checkpointer.worker.js', import.meta.url), {
      workerData: { file: this.#file, readerWaitMs: READER_WAIT_MS } satisfies CheckpointerData,
    });
    // It must never keep a process alive: a process that exits needs no more checkpoints.
    worker.unref();
    this.#worker = worker;
    this.#ready = false;
    this.#started = new Promise((resolve, reject) => {
      worker.on('message', (message: CheckpointerMessage) => {
        if ('ready' in message) {
          this.#ready = true;
          return resolve();
        }
        if (message.busy) this.#noRestartBefore = performance.now() + RESTART_BACKOFF_MS;
        this.#settle(message.id);
      });
      const stopped = (error: Error) => {
        if (this.#worker !== worker) return;
        const wasReady = this.#ready;
        this.#worker = undefined;
        this.#ready = false;
        for (const id of [...this.#waiting.keys()]) this.#settle(id);
        if (!wasReady) return reject(error);
        this.#onError(error);
        this.#respawnLater();
      };
      worker.on('error', stopped);
      worker.on('exit', (code) => stopped(new Error(`The SQLite checkpoint thread stopped (exit code ${code})`)));
    });
    return this.#started;
  }

  /**
   * Call after each commit: starts the checkpoint the WAL's length calls for. Returns a promise
   * when the next transaction must wait for it (the WAL is RESTART_AT_FRAMES long), else
   * undefined. Never rejects.
   */
  afterCommit(): Promise<void> | undefined {
    const worker = this.#worker;
    if (!worker || !this.#ready) return undefined;
    // Opened once, after the first commit (which has created the -shm file); a failure is final.
    if (this.#walIndex === undefined) this.#walIndex = WalIndex.open(this.#file.filename) ?? null;
    const frames = this.#walIndex?.frames() ?? 0;
    // While a PASSIVE round runs, a long WAL waits for it; the commit after asks for a RESTART.
    if (frames >= RESTART_AT_FRAMES && performance.now() >= this.#noRestartBefore) return (this.#running ??= this.#ask(worker, 'RESTART'));
    if (frames >= CHECKPOINT_AT_FRAMES) this.#running ??= this.#ask(worker, 'PASSIVE');
    return undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#respawn);
    this.#walIndex?.close();
    this.#walIndex = null;
    const worker = this.#worker;
    this.#worker = undefined;
    for (const id of [...this.#waiting.keys()]) this.#settle(id);
    if (worker) await worker.terminate();
  }

  #ask(worker: Worker, mode: CheckpointRequest['mode']): Promise<void> {
    const id = ++this.#nextId;
    worker.ref(); // held open while a checkpoint runs, like any I/O in flight
    worker.postMessage({ id, mode } satisfies CheckpointRequest);
    return new Promise<void>((resolve) => this.#waiting.set(id, resolve)).finally(() => (this.#running = undefined));
  }

  #settle(id: number): void {
    const resolve = this.#waiting.get(id);
    this.#waiting.delete(id);
    if (this.#waiting.size === 0) this.#worker?.unref();
    resolve?.();
  }

  #respawnLater(): void {
    if (this.#closed) return;
    this.#respawn = setTimeout(() => {
      this.start().catch((error: Error) => {
        this.#onError(error);
        this.#respawnLater();
      });
    }, RESPAWN_DELAY_MS).unref();
  }
}
