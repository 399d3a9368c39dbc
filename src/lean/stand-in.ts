/**
 * Stand-ins for the exports of `dyno-ts/lean` whose code is not in the build's core file (see
 * scripts/build-lean.ts): each is a `Proxy` that loads the rest of the library, synchronously,
 * the first time it is touched, and from then on behaves as the real export, forever (a caller
 * that kept the stand-in keeps a working value): a class is constructed, subclassed, tested with
 * `instanceof` and has its static members; a function is called; an object's properties are read
 * and written.
 * @module
 */

/** What kind of value a stand-in stands for: a class or function, or an object. */
export type StandInKind = "function" | "object";

/**
 * A stand-in for an export named `name` whose real value `load()` returns (loading it on the
 * first call). `kind` must be the real value's kind: `"function"` for classes and functions.
 */
export function standIn<T extends object>(load: () => T, kind: StandInKind, name: string): T {
  // A function target is constructible and callable, as the real one may be; it is never used
  // but for the invariants of a proxy (its non-configurable own `prototype`).
  const target: object = kind === "function" ? { [name]: function () {} }[name]! : {};
  let real: T | undefined;
  const get = (): T => {
    if (real) return real;
    real = load();
    // keeps `Object.getOwnPropertyDescriptor(standIn, "prototype")` the real one
    if (kind === "function" && "prototype" in real)
      (target as { prototype: unknown }).prototype = (real as { prototype: unknown }).prototype;
    return real;
  };
  // `this`/receiver: the real value when the stand-in itself is the receiver, a subclass otherwise
  const self = (receiver: unknown): unknown => (receiver === proxy ? get() : receiver);
  const proxy: T = new Proxy(target as T, {
    apply: (_t, thisArg, args) => Reflect.apply(get() as never, thisArg, args),
    construct: (_t, args, newTarget) =>
      Reflect.construct(get() as never, args, self(newTarget) as never),
    get: (_t, key, receiver) => Reflect.get(get(), key, self(receiver)),
    set: (_t, key, value, receiver) => Reflect.set(get(), key, value, self(receiver)),
    has: (_t, key) => Reflect.has(get(), key),
    deleteProperty: (_t, key) => Reflect.deleteProperty(get(), key),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(get(), key, descriptor),
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
    setPrototypeOf: (_t, proto) => Reflect.setPrototypeOf(get(), proto),
    ownKeys: () => {
      const keys = Reflect.ownKeys(get());
      // a proxy must list its target's non-configurable keys (a function's `prototype`)
      for (const key of Reflect.ownKeys(target))
        if (!Reflect.getOwnPropertyDescriptor(target, key)!.configurable && !keys.includes(key))
          keys.push(key);
      return keys;
    },
    getOwnPropertyDescriptor: (_t, key) => {
      const value = get();
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      if (own && !own.configurable) return own; // `prototype`: the real one since the load
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      // a proxy may not call a property non-configurable that its target does not have
      return descriptor && { ...descriptor, configurable: true };
    },
  });
  return proxy;
}
