/**
 * PostGraphile 5 expects a few built-ins of Node 22 (`Promise.withResolvers`, the Set methods);
 * on Node 20 the bench's peer loads this first. Only what is missing is defined.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const promise = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
promise.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>["resolve"];
  let reject!: Resolvers<T>["reject"];
  const p = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise: p, resolve, reject };
};

type SetMethods = Record<string, (this: Set<unknown>, other: Set<unknown>) => unknown>;
const setMethods: SetMethods = {
  union(other) {
    return new Set([...this, ...other]);
  },
  intersection(other) {
    return new Set([...this].filter((v) => other.has(v)));
  },
  difference(other) {
    return new Set([...this].filter((v) => !other.has(v)));
  },
  symmetricDifference(other) {
    return new Set([...[...this].filter((v) => !other.has(v)), ...[...other].filter((v) => !this.has(v))]);
  },
  isSubsetOf(other) {
    return [...this].every((v) => other.has(v));
  },
  isSupersetOf(other) {
    return [...other].every((v) => this.has(v));
  },
  isDisjointFrom(other) {
    return [...this].every((v) => !other.has(v));
  },
};
const setPrototype = Set.prototype as unknown as SetMethods;
for (const [name, method] of Object.entries(setMethods)) {
  if (!(name in setPrototype)) Object.defineProperty(setPrototype, name, { value: method, writable: true, configurable: true });
}
