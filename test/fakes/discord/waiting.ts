/**
 * Lets tests await a condition on the fake's state: `until` re-checks on every `notify()` and
 * rejects with a message that says what was awaited once the timeout passes.
 */
export class ChangeSignal {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Resolves with the first defined `check()`. With `pollMs`, also re-checks on that interval,
   * for conditions on state the fake doesn't own (e.g. a variable the bot's handler sets).
   */
  until<T>(
    check: () => T | undefined,
    timeoutMs: number,
    describe: () => string,
    pollMs?: number,
  ): Promise<T> {
    const ready = check();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const value = check();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Fake Discord: timed out after ${timeoutMs}ms waiting for ${describe()}`));
      }, timeoutMs);
      const poll = pollMs ? setInterval(listener, pollMs) : undefined;
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
    });
  }
}
