/** Per-key serialisation of work on one clone: git refuses two writers in one repository at once. */
const locks = new Map<string, Promise<unknown>>();

/** Runs fn after any earlier work under the same key has settled. */
export function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const next = (locks.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
  locks.set(key, next);
  void next.finally(() => {
    if (locks.get(key) === next) locks.delete(key);
  }).catch(() => undefined);
  return next;
}
