/**
 * Records keyed by names the user chose (table names, attribute names, property names), safe
 * for every name: `constructor`, `toString` and `__proto__` are valid DynamoDB table and
 * attribute names, so such a record is never read through, or written into, `Object.prototype`.
 * @module
 */

/** The own property `name` of `record`; never one inherited from `Object.prototype`. */
export function ownValue<V>(record: Readonly<Record<string, V>>, name: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

/** Sets the own property `name` (an ordinary enumerable data property, even for `__proto__`). */
export function setOwn<V>(record: Record<string, V>, name: string, value: V): V {
  // `__proto__` is the one accessor Object.prototype has; every other name assigns as data
  // (an assignment is several times cheaper than defineProperty, and this runs per attribute).
  if (name !== "__proto__") record[name] = value;
  else {
    Object.defineProperty(record, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return value;
}

/** The own property `name`, created with `make()` when absent. */
export function ownOrSet<V>(record: Record<string, V>, name: string, make: () => V): V {
  return Object.prototype.hasOwnProperty.call(record, name)
    ? record[name]
    : setOwn(record, name, make());
}

/** Copies every own enumerable member of `from` into `into` as own data (`Object.assign` would set a `__proto__` member as the prototype). */
export function assignOwn<V>(
  into: Record<string, V>,
  from: Readonly<Record<string, V>> | undefined,
): void {
  if (from === undefined) return;
  for (const name of Object.keys(from)) setOwn(into, name, from[name]!);
}
