/**
 * Object schemas without generated code: a list of per-field closures walked in order.
 * Used where `new Function` is forbidden (a content security policy), or by option; it
 * calls the same helpers as `compile.ts`, so both behave identically.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { objectCodec, type Build, type Codec } from "./codec.js";
import {
  anyPresent,
  decEmbedRecord,
  emptyAttr,
  encEmbedRecord,
  isEmptyAV,
  missing,
  notAnObject,
  omitsEmpty,
  required,
  unknownAttrs,
} from "./fields.js";
import { KEEP, STRICT } from "./flags.js";
import { withSegment } from "./path-error.js";
import { MAX_DEPTH, define, inherited, own, tooDeep } from "./marshal.js";
import type { ObjectPlan } from "./schema/schema.js";

type Item = Record<string, AttributeValue>;
type Obj = Record<string, unknown>;

interface Op {
  /** The property (marshal path segment). */
  prop: string;
  /** The attribute (unmarshal path segment); `undefined` for embeds, whose fields name their own. */
  attr: string | undefined;
  enc(v: Obj, out: Item, depth: number): void;
  dec(m: Item, out: Obj, flags: number): void;
}

function getter(name: string): (o: object) => unknown {
  return inherited(name) ? (o) => own(o, name) : (o) => (o as Record<string, unknown>)[name];
}

function setter(name: string): (o: Record<string, unknown>, v: unknown) => void {
  return name === "__proto__" ? (o, v) => define(o, name, v) : (o, v) => void (o[name] = v);
}

function ops(plan: ObjectPlan, root: ObjectPlan, build: Build): Op[] {
  return plan.fields.map((f): Op => {
    const optional = f.schema.mods.optional;
    const shadow = optional && inherited(f.prop);
    const setProp = setter(f.prop);
    const getProp = getter(f.prop);
    if (f.type === "field") {
      const codec: Codec = build(f.schema);
      const omitEmpty = omitsEmpty(f.schema);
      const empty = emptyAttr(f.schema);
      const setAttr = setter(f.attr);
      const getAttr = getter(f.attr);
      const { prop, attr } = f;
      return {
        prop,
        attr,
        enc(v, out, depth) {
          const x = getProp(v);
          if (x === undefined) {
            if (optional) return;
            required();
          }
          const av = codec.enc(x, depth);
          if (av === undefined || (omitEmpty && isEmptyAV(av))) return;
          setAttr(out, av);
        },
        dec(m, out, flags) {
          const av = getAttr(m) as AttributeValue | undefined;
          if (av === undefined) {
            if (optional) return void (shadow && setProp(out, undefined));
            if (empty === undefined) missing();
            setProp(out, codec.dec(empty, flags));
            return;
          }
          setProp(out, codec.dec(av, flags));
        },
      };
    }
    if (f.type === "embedObject") {
      const sub = ops(f.plan, root, build);
      const { prop, plan: subPlan } = f;
      return {
        prop,
        attr: undefined,
        enc(v, out, depth) {
          const x = getProp(v);
          if (x === undefined) {
            if (optional) return;
            required();
          }
          if (x === null || typeof x !== "object" || Array.isArray(x)) notAnObject(x);
          encOps(sub, x as Obj, out, depth);
        },
        dec(m, out, flags) {
          if (optional && !anyPresent(m, subPlan)) return void (shadow && setProp(out, undefined));
          const o: Obj = {};
          decOps(sub, m, o, flags);
          setProp(out, o);
        },
      };
    }
    const codec = build(f.value);
    const { prop, prefix, suffix } = f;
    return {
      prop,
      attr: undefined,
      enc(v, out, depth) {
        const x = getProp(v);
        if (x === undefined) {
          if (optional) return;
          required();
        }
        encEmbedRecord(x, out, depth, prefix, suffix, root.known, codec);
      },
      dec(m, out, flags) {
        const rec = decEmbedRecord(m, flags, prefix, suffix, root.known, codec);
        if (optional) {
          let any = false;
          for (const _ in rec) {
            any = true;
            break;
          }
          if (!any) return void (shadow && setProp(out, undefined));
        }
        setProp(out, rec);
      },
    };
  });
}

function encOps(list: Op[], v: Obj, out: Item, depth: number): void {
  let i = 0;
  try {
    for (; i < list.length; i++) list[i].enc(v, out, depth);
  } catch (e) {
    throw withSegment(e, list[i].prop, v);
  }
}

function decOps(list: Op[], m: Item, out: Obj, flags: number): void {
  let i = 0;
  try {
    for (; i < list.length; i++) list[i].dec(m, out, flags);
  } catch (e) {
    const attr = list[i].attr;
    throw attr === undefined ? e : withSegment(e, attr);
  }
}

/** Builds the codec of an object plan from closures. */
export function interpretObject(plan: ObjectPlan, build: Build): Codec {
  let list: Op[] | undefined;
  const get = () => (list ??= ops(plan, plan, build));
  return objectCodec(
    (v, depth) => {
      if (depth > MAX_DEPTH) tooDeep();
      if (v === null || typeof v !== "object" || Array.isArray(v)) notAnObject(v);
      const out: Item = {};
      encOps(get(), v as Obj, out, depth);
      return out;
    },
    (m, flags) => {
      const out: Obj = {};
      decOps(get(), m, out, flags);
      if (flags & (KEEP | STRICT)) unknownAttrs(m, out, flags, plan);
      return out;
    },
  );
}
