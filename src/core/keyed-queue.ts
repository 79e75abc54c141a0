/** Promises still running (messages in hand), so that stop() can wait for them. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(promise: Promise<T>): Promise<T> {
    this.running.add(promise);
    const forget = () => void this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Settles when everything tracked so far (and anything they started meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/**
 * Tasks run one after another per key (a conversation, a chat), in the order they were queued,
 * and concurrently across keys. A task runs once the one before it settled, fulfilled or not.
 * Every task is tracked in `inFlight`, so a stop can wait for them.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(readonly inFlight: InFlight = new InFlight()) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    this.tails.set(key, run);
    const forget = () => {
      if (this.tails.get(key) === run) this.tails.delete(key);
    };
    void this.inFlight.track(run).then(forget, forget);
    return run;
  }

  /** Settles when every task queued so far has settled. */
  idle(): Promise<void> {
    return this.inFlight.idle();
  }
}
