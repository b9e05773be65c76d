// Serialises write transactions inside one process. SQLite allows one writer
// per database; queueing here keeps single writes from ever running inside
// another caller's open atomic() transaction on the shared writer connection.
export class WriteLock {
  #tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => { release = resolve; });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
