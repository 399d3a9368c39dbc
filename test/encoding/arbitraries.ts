/** fast-check generators of values and of schemas with values that fit them. */
import fc from "fast-check";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { s, type AnySchema } from "../../src/index.js";

// ---------------------------------------------------------------- values

/** Names every object inherits (`constructor`, `toString`, `__proto__`, ...): keys that once broke encoding. */
export const protoNames = Object.getOwnPropertyNames(Object.prototype);

/** A map key: DynamoDB rejects empty attribute names at any depth. Sometimes an inherited name. */
export const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(...protoNames) },
);

/** Sets `o[k]` as an own property, even for `__proto__`. */
function put<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A finite double DynamoDB can store (and not -0, which it cannot). */
const double = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((n) => Math.abs(n) < 1e125 && (n === 0 || Math.abs(n) > 1e-129))
  .map((n) => (n === 0 ? 0 : n));
export const number = fc.oneof(double, fc.integer(), fc.maxSafeInteger());
const bytes = fc.uint8Array({ maxLength: 8 });
const stringSet = fc
  .uniqueArray(fc.string(), { minLength: 1, maxLength: 4 })
  .map((a) => new Set(a));
const numberSet = fc.uniqueArray(number, { minLength: 1, maxLength: 4 }).map((a) => new Set(a));

/** Values of the default mapping that read back as themselves (no Date, Map, bigint). */
export const { value: plainValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string(),
    number,
    fc.boolean(),
    fc.constant(null),
    bytes,
    stringSet,
    numberSet,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

// ---------------------------------------------------------------- generated schemas

/** A schema with an arbitrary of values of it. `emptySet`: may its sets be empty (a field). */
export interface Gen {
  /** How the schema was built, for counterexamples. */
  desc: string;
  schema: AnySchema;
  value: (emptySet: boolean) => fc.Arbitrary<unknown>;
  /** Can be an embedded object. */
  embeddable?: boolean;
}

const Point = s.custom({
  toAttribute: (p: { x: number; y: number }): AttributeValue => ({ S: `${p.x},${p.y}` }),
  fromAttribute: (av: AttributeValue) => {
    const [x, y] = av.S!.split(",").map(Number);
    return { x, y };
  },
});

const jsonValue = fc.letrec<{ j: unknown }>((tie) => ({
  j: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("j"), { maxLength: 3 }),
    fc.dictionary(
      key.filter((k) => k !== "__proto__"),
      tie("j"),
      { maxKeys: 3, noNullPrototype: true },
    ),
  ),
})).j;

const date = fc.date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true });

const leaves: fc.Arbitrary<Gen>[] = [
  fc.constant<Gen>({ desc: "s.string()", schema: s.string(), value: () => fc.string() }),
  fc.constant<Gen>({ desc: "s.number()", schema: s.number(), value: () => number }),
  fc.constant<Gen>({
    desc: "s.bigint()",
    schema: s.bigint(),
    value: () => fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }),
  }),
  fc.constant<Gen>({ desc: "s.boolean()", schema: s.boolean(), value: () => fc.boolean() }),
  fc.constant<Gen>({ desc: "s.binary()", schema: s.binary(), value: () => bytes }),
  fc.constant<Gen>({
    desc: 's.literal("a", 1, true)',
    schema: s.literal("a", 1, true),
    value: () => fc.constantFrom("a", 1, true),
  }),
  fc.constant<Gen>({ desc: "s.date()", schema: s.date(), value: () => date }),
  fc.constant<Gen>({
    desc: 's.date({ as: "epochMs" })',
    schema: s.date({ as: "epochMs" }),
    value: () => date,
  }),
  fc.constant<Gen>({
    desc: 's.date({ as: "epochSeconds" })',
    schema: s.date({ as: "epochSeconds" }),
    value: () => date.map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
  }),
  fc.constant<Gen>({ desc: "s.json()", schema: s.json(), value: () => jsonValue }),
  fc.constant<Gen>({
    desc: "s.stringSet()",
    schema: s.stringSet(),
    value: (e) => (e ? fc.oneof(stringSet, fc.constant(new Set<string>())) : stringSet),
  }),
  fc.constant<Gen>({
    desc: "s.numberSet()",
    schema: s.numberSet(),
    value: (e) => (e ? fc.oneof(numberSet, fc.constant(new Set<number>())) : numberSet),
  }),
  fc.constant<Gen>({
    desc: "s.binarySet()",
    schema: s.binarySet(),
    value: () =>
      fc
        .uniqueArray(bytes, { minLength: 1, maxLength: 3, selector: (b) => b.join(",") })
        .map((a) => new Set(a)),
  }),
  fc.constant<Gen>({ desc: "s.any()", schema: s.any(), value: () => plainValue }),
  fc.constant<Gen>({
    desc: "Point",
    schema: Point as AnySchema,
    value: () => fc.record({ x: fc.integer(), y: fc.integer() }, { noNullPrototype: true }),
  }),
];

type FieldSpec = {
  /** Named after an Object.prototype member instead of `f<i>`. */
  proto: boolean;
  optional: boolean;
  nullable: boolean;
  omitEmpty: boolean;
  rename: boolean;
  embed: boolean;
  record: boolean;
};

export function objectGen(gen: fc.Arbitrary<Gen>): fc.Arbitrary<Gen> {
  const spec: fc.Arbitrary<FieldSpec> = fc.record({
    proto: fc.boolean(),
    optional: fc.boolean(),
    nullable: fc.boolean(),
    omitEmpty: fc.boolean(),
    rename: fc.boolean(),
    embed: fc.boolean(),
    record: fc.boolean(),
  });
  return fc.array(fc.tuple(gen, spec), { maxLength: 5 }).map((fields) => {
    const shape: Record<string, AnySchema> = { k: s.string() };
    const descs: string[] = ["k: s.string()"];
    const values: Record<string, (e: boolean) => fc.Arbitrary<unknown>> = {};
    const optional: string[] = [];
    fields.forEach(([g, f], i) => {
      const prop = f.proto ? protoNames[i % protoNames.length] : `f${i}`;
      let schema = g.schema;
      let value = g.value;
      if (f.embed && g.embeddable) {
        schema = s.embed(schema, { prefix: `e${i}_` }) as AnySchema;
      } else if (f.record && f.embed) {
        schema = s.embed(s.record(g.schema), { prefix: `~${i}:` }) as AnySchema;
        // an optional flattened record that is empty stores nothing, so reads back absent
        const minKeys = f.optional ? 1 : 0;
        value = () =>
          fc.dictionary(key, g.value(false), {
            minKeys,
            maxKeys: 3,
            noNullPrototype: true,
          });
      } else {
        if (f.nullable && schema.def.kind !== "any") {
          schema = schema.nullable() as AnySchema;
          const inner = value;
          value = (e) => fc.oneof(inner(e), fc.constant(null));
        }
        if (f.omitEmpty && !f.optional) schema = schema.omitEmpty() as AnySchema;
        if (f.rename) schema = schema.rename(`R${i}.x`) as AnySchema;
      }
      if (f.optional && !(f.embed && g.embeddable)) {
        schema = schema.optional() as AnySchema;
        optional.push(prop);
        const inner = value;
        value = () => inner(false); // an optional set never reads back as an empty set
      }
      put(shape, prop, schema);
      put(values, prop, value);
      let d = g.desc;
      if (f.embed && g.embeddable) d = `s.embed(${d}, { prefix: "e${i}_" })`;
      else if (f.record && f.embed) d = `s.embed(s.record(${d}), { prefix: "~${i}:" })`;
      else {
        if (f.nullable && g.schema.def.kind !== "any") d += ".nullable()";
        if (f.omitEmpty && !f.optional) d += ".omitEmpty()";
        if (f.rename) d += `.rename("R${i}.x")`;
      }
      if (f.optional && !(f.embed && g.embeddable)) d += ".optional()";
      descs.push(`${prop}: ${d}`);
    });
    const schema = s.object(shape) as AnySchema;
    return {
      desc: `s.object({ ${descs.join(", ")} })`,
      schema,
      embeddable: true,
      value: () =>
        fc.record(
          {
            k: fc.string(),
            ...Object.fromEntries(Object.entries(values).map(([p, v]) => [p, v(true)])),
          },
          {
            requiredKeys: Object.keys(shape).filter((p) => !optional.includes(p)) as never[],
            noNullPrototype: true,
          },
        ),
    };
  });
}

export const { gen: schemaGen } = fc.letrec<{ gen: Gen }>((tie) => ({
  gen: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    ...leaves,
    tie("gen").map((g): Gen => ({
      desc: `s.list(${g.desc})`,
      schema: s.list(g.schema) as AnySchema,
      value: () => fc.array(g.value(false), { maxLength: 3 }),
    })),
    tie("gen").map((g): Gen => ({
      desc: `s.record(${g.desc})`,
      schema: s.record(g.schema) as AnySchema,
      value: () => fc.dictionary(key, g.value(false), { maxKeys: 3, noNullPrototype: true }),
    })),
    tie("gen").map((g): Gen => ({
      desc: `s.map(${g.desc})`,
      schema: s.map(g.schema) as AnySchema,
      value: () =>
        fc
          .uniqueArray(fc.tuple(key, g.value(false)), {
            maxLength: 3,
            selector: (e) => e[0],
          })
          .map((a) => new Map(a)),
    })),
    objectGen(tie("gen")),
  ),
}));

/** A schema with a printable description (fast-check shows `desc` in counterexamples). */
export function shown(g: Gen): Gen {
  if (Object.prototype.hasOwnProperty.call(g, fc.toStringMethod)) return g;
  return Object.defineProperty(g, fc.toStringMethod, { value: () => g.desc, enumerable: false });
}

export const itemGen = objectGen(schemaGen)
  .map(shown)
  .chain((g) => g.value(true).map((v) => ({ schema: shown(g), value: v })));
