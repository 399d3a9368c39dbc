/**
 * An entity's keys: its key templates compiled against its schema, the key attributes they
 * compute from an item or a key, and a query's key condition filled from the left of the sort
 * key template (so a query reads one entity's items even where others share the partition).
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynoValidationError } from "../errors.js";
import { setOwn } from "../own.js";
import { key as keyCond } from "../expression/key-condition.js";
import type { KeyCondition } from "../expression/types.js";
import type { ItemModel } from "../table/paths.js";
import { isPlainObject, sortOperation } from "../table/keys.js";
import {
  ESCAPE_CHAR,
  MAX_CHAR,
  encodeValue,
  parseTemplate,
  type Template,
  type ValueKind,
} from "./template.js";

/** One key attribute of the table and the template that fills it. */
export interface TemplateKey {
  /** The attribute name (`pk`, `gsi1sk`). */
  readonly attr: string;
  readonly template: Template;
}

/** The key of the table or of one index, as an entity fills it. */
export interface EntityKeySchema {
  /** `undefined` for the table's own key; else the index name. */
  readonly index: string | undefined;
  readonly partition: TemplateKey;
  readonly sort: TemplateKey | undefined;
  /** The properties its templates name, partition ones first. */
  readonly props: readonly string[];
  /** What errors name: `entity User`, `entity User, index gsi1`. */
  readonly owner: string;
}

/** The value kind of each template property, from the schema. */
export type PropKinds = ReadonlyMap<string, ValueKind>;

const own = (o: Record<string, unknown>, k: string): unknown =>
  Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;

/**
 * The value kind of template property `prop`: a top-level field of a string, number, bigint,
 * date or literal schema. `required`: the property may not be optional (a primary key's).
 * @throws DynoValidationError naming `where`.
 */
export function propKind(
  model: ItemModel,
  prop: string,
  where: string,
  required: boolean,
): ValueKind {
  const f = model.field(prop);
  if (!f) {
    throw new DynoValidationError(
      where,
      `{${prop}} is not a property of the schema (properties: ${model.plan.fields.map((x) => x.prop).join(", ")})`,
    );
  }
  if (f.type !== "field")
    throw new DynoValidationError(
      where,
      `{${prop}} is embedded; a template takes top-level properties`,
    );
  if (required && (f.schema.mods.optional || f.schema.mods.nullable)) {
    throw new DynoValidationError(
      where,
      `{${prop}} is optional or nullable; the table's key needs it on every item`,
    );
  }
  const def = f.schema.def;
  switch (def.kind) {
    case "string":
    case "number":
    case "bigint":
      return def.kind;
    case "date":
      return def.as === "epochSeconds" ? "dateSeconds" : "date";
    case "literal":
      if (def.values.every((v) => typeof v === "string")) return "string";
      if (def.values.every((v) => typeof v === "number")) return "number";
  }
  throw new DynoValidationError(
    where,
    `{${prop}} is s.${def.kind}(); a template takes strings, numbers, bigints, dates and string or number literals`,
  );
}

/** Compiles one key's templates (and records each property's kind in `kinds`). */
export function compileKey(
  model: ItemModel,
  kinds: Map<string, ValueKind>,
  index: string | undefined,
  attrs: { partition: string; sort: string | undefined },
  templates: { partitionKey?: unknown; sortKey?: unknown },
  where: string,
  entity = "the entity",
): EntityKeySchema {
  const required = index === undefined;
  const one = (attr: string, source: unknown, w: string): TemplateKey => {
    const template = parseTemplate(source, w);
    for (const p of template.props) kinds.set(p, propKind(model, p, w, required));
    return { attr, template };
  };
  const partition = one(attrs.partition, templates.partitionKey, `${where}.partitionKey`);
  if (attrs.sort === undefined && templates.sortKey !== undefined) {
    throw new DynoValidationError(
      `${where}.sortKey`,
      `the ${index ? `index ${index}` : "table"} has no sort key`,
    );
  }
  if (attrs.sort !== undefined && templates.sortKey === undefined) {
    throw new DynoValidationError(
      `${where}.sortKey`,
      `the ${index ? `index ${index}` : "table"} has a sort key (${attrs.sort}): give its template`,
    );
  }
  const sort =
    attrs.sort === undefined ? undefined : one(attrs.sort, templates.sortKey, `${where}.sortKey`);
  const props = [...new Set([...partition.template.props, ...(sort?.template.props ?? [])])];
  const owner = index === undefined ? entity : `${entity}, index ${index}`;
  return { index, partition, sort, props, owner };
}

/**
 * Fills a template from `values`.
 * @returns undefined when a property is missing (`undefined`), or with `strict`, throws naming it.
 */
export function fill(
  t: Template,
  kinds: PropKinds,
  values: Record<string, unknown>,
  field: string,
  strict: boolean,
): string | undefined {
  let out = "";
  for (const part of t.parts) {
    if (part.literal !== undefined) {
      out += part.literal;
      continue;
    }
    const v = own(values, part.prop);
    if (v === undefined || (v === null && !strict)) {
      if (!strict) return undefined;
      throw new DynoValidationError(
        `${field}.${part.prop}`,
        `the key needs ${part.prop} (template ${JSON.stringify(t.source)})`,
      );
    }
    out += encodeValue(kinds.get(part.prop)!, v, t.escaped, `${field}.${part.prop}`);
  }
  return out;
}

/**
 * Fills the template of key attribute `key`, refusing an empty result: a template that is only
 * `{prop}`, given `""` (DynamoDB refuses an empty string as a key attribute's value).
 * @returns undefined as {@link fill} does.
 * @throws DynoValidationError naming `field.prop`, the owner and the key attribute.
 */
export function fillKey(
  key: TemplateKey,
  owner: string,
  kinds: PropKinds,
  values: Record<string, unknown>,
  field: string,
  strict: boolean,
): string | undefined {
  const v = fill(key.template, kinds, values, field, strict);
  if (v === "") refuseEmpty(key, owner, field);
  return v;
}

function refuseEmpty(key: TemplateKey, owner: string, field: string): never {
  const prop = key.template.props[0] ?? "";
  throw new DynoValidationError(
    `${field}.${prop}`,
    `${owner}: ${prop} is "", which fills key attribute ${key.attr} (template ${JSON.stringify(key.template.source)}) with an empty string; DynamoDB refuses empty key strings`,
  );
}

/**
 * The stored primary key of `key` (exactly the properties the key templates name).
 * @throws DynoValidationError naming `key.<prop>`: missing, extra, of the wrong type.
 */
export function encodeKey(
  keys: EntityKeySchema,
  kinds: PropKinds,
  key: unknown,
  field: string,
): Record<string, AttributeValue> {
  if (!isPlainObject(key)) {
    throw new DynoValidationError(field, `expected an object with ${keys.props.join(", ")}`);
  }
  for (const prop of Object.keys(key)) {
    if (!keys.props.includes(prop)) {
      throw new DynoValidationError(
        `${field}.${prop}`,
        `${prop} is not part of the key (the key is ${keys.props.join(", ")})`,
      );
    }
  }
  return keyAttributes(keys, kinds, key, field, true)!;
}

/** The key attributes computed from an item; undefined (with `strict` false) when a property is missing. */
export function keyAttributes(
  keys: EntityKeySchema,
  kinds: PropKinds,
  values: Record<string, unknown>,
  field: string,
  strict: boolean,
): Record<string, AttributeValue> | undefined {
  const pk = fillKey(keys.partition, keys.owner, kinds, values, field, strict);
  if (pk === undefined) return undefined;
  const out: Record<string, AttributeValue> = { [keys.partition.attr]: { S: pk } };
  if (keys.sort) {
    const sk = fillKey(keys.sort, keys.owner, kinds, values, field, strict);
    if (sk === undefined) return undefined;
    setOwn(out, keys.sort.attr, { S: sk });
  }
  return out;
}

/**
 * A string above every key below `s` and below `s`: `s` less one at its end, then U+10FFFF twice
 * (in a key, U+10FFFF is only ever followed by the hex digits of an escape).
 */
function below(s: string): string {
  const cps = [...s];
  const last = cps.pop()!.codePointAt(0)!;
  let prev = last - 1;
  if (prev >= 0xd800 && prev <= 0xdfff) prev = 0xd7ff;
  return cps.join("") + (prev >= 0 ? String.fromCodePoint(prev) + MAX_CHAR + MAX_CHAR : "");
}

/**
 * A query's key condition: the partition template filled completely from `query`, the sort
 * template from the left up to its first missing property (a `begins_with` on what is
 * filled), and a condition object (`{ gt }`, `{ between }`, `{ beginsWith }`...) on the last
 * property given, turned into a range that stays inside this entity's keys.
 * @throws DynoValidationError naming `key.<prop>`.
 */
export function keyCondition(
  keys: EntityKeySchema,
  kinds: PropKinds,
  query: unknown,
  where: string,
): KeyCondition {
  const field = "key";
  if (!isPlainObject(query)) {
    throw new DynoValidationError(
      field,
      `expected an object with ${keys.partition.template.props.join(", ")}`,
    );
  }
  const sortProps = keys.sort?.template.props ?? [];
  const nonEmpty = (sk: string): string =>
    sk === "" ? refuseEmpty(keys.sort!, keys.owner, field) : sk;
  for (const prop of Object.keys(query)) {
    if (!keys.props.includes(prop)) {
      throw new DynoValidationError(
        `${field}.${prop}`,
        `${prop} is not a key property of ${where} (its templates name ${keys.props.join(", ")})`,
      );
    }
  }
  const pk = fillKey(keys.partition, keys.owner, kinds, query, field, true)!;
  const partition = keyCond.eq(keys.partition.attr, pk);
  const sort = keys.sort;
  if (!sort) return partition;
  const parts = sort.template.parts;
  let prefix = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.literal !== undefined) {
      prefix += part.literal;
      continue;
    }
    const prop = part.prop;
    const what = `${field}.${prop}`;
    const v = own(query, prop);
    if (v === undefined) {
      const later = sortProps
        .slice(sortProps.indexOf(prop) + 1)
        .find((p) => own(query, p) !== undefined);
      if (later !== undefined) {
        throw new DynoValidationError(
          `${field}.${later}`,
          `${later} is given without ${prop}: the sort key template ${JSON.stringify(sort.template.source)} fills from the left`,
        );
      }
      // a template that starts with this property: the whole partition (the entity filter keeps the entity's items)
      if (prefix === "") return partition;
      return keyCond.and(partition, keyCond.beginsWith(sort.attr, prefix));
    }
    const kind = kinds.get(prop)!;
    const esc = sort.template.escaped;
    const last = sortProps.indexOf(prop) === sortProps.length - 1;
    let lit = "";
    for (let j = i + 1; j < parts.length && parts[j]!.literal !== undefined; j++)
      lit += parts[j]!.literal;
    // Every key whose prop equals x lies in [low(x), high(x)] (one string when prop is the last).
    const low = (x: unknown) => prefix + encodeValue(kind, x, esc, what) + lit;
    const high = (x: unknown) => (last ? low(x) : low(x) + MAX_CHAR);
    const end = prefix + MAX_CHAR;
    if (!isPlainObject(v) || v instanceof Date) {
      if (!last) {
        prefix = low(v);
        i += countLiterals(parts, i);
        continue;
      }
      return keyCond.and(partition, keyCond.eq(sort.attr, nonEmpty(low(v))));
    }
    const later = sortProps
      .slice(sortProps.indexOf(prop) + 1)
      .find((p) => own(query, p) !== undefined);
    if (later !== undefined) {
      throw new DynoValidationError(
        `${field}.${later}`,
        `a condition on ${prop} must be on the last property given`,
      );
    }
    const [op, arg] = sortOperation(v, what);
    if (kind === "dateSeconds") {
      // Stored in whole seconds: a bound between two seconds would match by its truncation.
      for (const x of Array.isArray(arg) ? arg : [arg]) {
        if (x instanceof Date && x.getTime() % 1000 !== 0) {
          throw new DynoValidationError(
            what,
            `${prop} is stored in whole seconds (s.date({ as: "epochSeconds" })): give a bound in whole seconds, got ${Number.isNaN(x.getTime()) ? "an invalid Date" : x.toISOString()}`,
          );
        }
      }
    }
    if (
      kind === "string" &&
      op !== "eq" &&
      op !== "beginsWith" &&
      lit !== "" &&
      lit.codePointAt(0)! >= ESCAPE_CHAR
    ) {
      // "a|" sorts after "ab|": a range of values would leave items out
      throw new DynoValidationError(
        what,
        `a range on ${prop} needs the text after it in ${JSON.stringify(sort.template.source)} to start with a character sorting below its values' ("#", "$", "!" or a space), not ${JSON.stringify(lit[0])}`,
      );
    }
    // DynamoDB refuses "" in a key condition, and no key is "": a range from "" has no lower
    // bound, and a range up to "" holds nothing (below "\u0000", the least key).
    const between = (lo: string, hi: string) =>
      hi === ""
        ? keyCond.and(partition, keyCond.lt(sort.attr, "\u0000"))
        : lo === ""
          ? keyCond.and(partition, keyCond.le(sort.attr, hi))
          : keyCond.and(partition, keyCond.between(sort.attr, lo, hi));
    switch (op) {
      case "eq":
        return last
          ? keyCond.and(partition, keyCond.eq(sort.attr, nonEmpty(low(arg))))
          : keyCond.and(partition, keyCond.beginsWith(sort.attr, low(arg)));
      case "ge":
        return low(arg) === "" ? partition : between(low(arg), end);
      case "gt":
        return between(high(arg) + (last ? "\u0000" : ""), end);
      // (DynamoDB refuses an empty string as a key condition's value: no lower bound is needed then)
      case "le":
        return between(prefix, high(arg));
      case "lt": {
        if (prefix === "" && low(arg) !== "")
          return keyCond.and(partition, keyCond.lt(sort.attr, low(arg)));
        const hi = low(arg) === "" ? "" : below(low(arg));
        return between(prefix, hi < prefix ? "" : hi); // nothing of this entity sorts below arg
      }
      case "between": {
        const [lo, hi] = arg as [unknown, unknown];
        return between(low(lo), high(hi));
      }
      case "beginsWith": {
        if (kind !== "string" || typeof arg !== "string") {
          throw new DynoValidationError(
            what,
            `beginsWith takes a string prefix of a string property (${prop} is a ${kind})`,
          );
        }
        const start = prefix + encodeValue("string", arg, esc, what);
        // Not begins_with: "a" would match the escape "a\u{10FFFF}00007C" of a value "|..."; the
        // keys starting with `start` then anything but U+10FFFF lie below start + U+10FFFE U+10FFFF U+10FFFF.
        return between(start, `${start}\u{10FFFE}${MAX_CHAR}${MAX_CHAR}`);
      }
    }
  }
  return keyCond.and(partition, keyCond.eq(sort.attr, prefix));
}

/** How many literal parts follow part `i` (they are folded into the prefix with the value). */
function countLiterals(parts: readonly { literal?: string | undefined }[], i: number): number {
  let n = 0;
  while (i + 1 + n < parts.length && parts[i + 1 + n]!.literal !== undefined) n++;
  return n;
}
