/** The writes a server has started and not yet finished, so that shutdown can wait for them. */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>();

  /** Returns `promise`, counted as in flight until it settles. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    const done = () => this.#pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Resolves when every write started so far (and any they started) has settled. */
  async settled(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }
}
