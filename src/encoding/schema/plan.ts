/**
 * Object layout: turns a shape into a flat {@link ObjectPlan} (attribute names decided,
 * embeds composed with their prefixes) and rejects two properties that would share an
 * attribute name, when the schema is defined rather than when an item is written.
 * @module
 */
import { DynoEncodingError } from "../../errors.js";
import type { AnySchema, Field, ObjectPlan, Shape } from "./schema.js";

interface Claim {
  attr: string;
  path: string;
}

/** Builds the plan of an object shape; throws `DynoEncodingError` on a name collision. */
export function planObject(shape: Shape): ObjectPlan {
  const plan = build(shape, "", "", "");
  const claims = new Map<string, string>();
  for (const c of collectClaims(plan, "")) {
    const other = claims.get(c.attr);
    if (other !== undefined) {
      throw new DynoEncodingError(
        c.path,
        `attribute name ${JSON.stringify(c.attr)} is already used by ${other}; ` +
          `give one of them another name (rename) or another embed prefix`,
      );
    }
    claims.set(c.attr, c.path);
  }
  const recs = collectRecords(plan, "");
  for (let i = 0; i < recs.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = recs[i];
      const b = recs[j];
      const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
      const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
      if (prefixes && suffixes) {
        throw new DynoEncodingError(
          a.path,
          `this embedded record's attribute names (prefix ${JSON.stringify(a.prefix)}, suffix ` +
            `${JSON.stringify(a.suffix)}) overlap those of ${b.path}; give them distinct prefixes`,
        );
      }
    }
  }
  return plan;
}

function build(shape: Shape, prefix: string, suffix: string, where: string): ObjectPlan {
  const fields: Field[] = [];
  const known = new Set<string>();
  const records: { prefix: string; suffix: string }[] = [];
  for (const prop of Object.keys(shape)) {
    const schema = shape[prop];
    if (!schema || typeof schema !== "object" || !("def" in schema)) {
      throw new DynoEncodingError(
        where + prop,
        "not a schema (build it with s.string(), s.object(), ...)",
      );
    }
    if (schema.mods.skip) continue;
    const def = schema.def;
    if (def.kind !== "embed") {
      const attr = prefix + (schema.mods.attr ?? prop) + suffix;
      if (attr === "")
        throw new DynoEncodingError(where + prop, "an attribute name cannot be empty");
      fields.push({ type: "field", prop, attr, schema });
      known.add(attr);
      continue;
    }
    const p = prefix + def.prefix;
    const sf = def.suffix + suffix;
    const inner: AnySchema = def.inner;
    if (inner.def.kind === "object") {
      const sub = build(inner.def.shape, p, sf, `${where}${prop}.`);
      fields.push({ type: "embedObject", prop, schema, plan: sub });
      for (const a of sub.known) known.add(a);
      records.push(...sub.records);
    } else if (inner.def.kind === "record") {
      fields.push({
        type: "embedRecord",
        prop,
        schema,
        value: inner.def.value,
        prefix: p,
        suffix: sf,
      });
      records.push({ prefix: p, suffix: sf });
    } else {
      throw new DynoEncodingError(
        where + prop,
        `s.embed() takes s.object() or s.record(), not s.${inner.def.kind}()`,
      );
    }
  }
  return { fields, known, records };
}

function collectClaims(plan: ObjectPlan, where: string): Claim[] {
  const out: Claim[] = [];
  for (const f of plan.fields) {
    if (f.type === "field") out.push({ attr: f.attr, path: where + f.prop });
    else if (f.type === "embedObject") out.push(...collectClaims(f.plan, `${where}${f.prop}.`));
  }
  return out;
}

function collectRecords(
  plan: ObjectPlan,
  where: string,
): { prefix: string; suffix: string; path: string }[] {
  const out: { prefix: string; suffix: string; path: string }[] = [];
  for (const f of plan.fields) {
    if (f.type === "embedRecord")
      out.push({ prefix: f.prefix, suffix: f.suffix, path: where + f.prop });
    else if (f.type === "embedObject") out.push(...collectRecords(f.plan, `${where}${f.prop}.`));
  }
  return out;
}
