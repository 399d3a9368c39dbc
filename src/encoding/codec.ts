/**
 * Codecs: a schema turned, once, into an encoder and a decoder, kept on the schema. Every
 * kind but `object` is a small closure from `kinds.ts`, shared by both compilation modes;
 * object schemas are either interpreted (`interpret.ts`) or generated as straight-line code
 * (`compile.ts`). Both call the field rules of `fields.ts` for every decision, which is
 * what keeps their behaviour identical.
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { interpretObject } from "./interpret.js";
import {
  anyCodec,
  big,
  bin,
  bool,
  customCodec,
  dateCodec,
  json,
  listCodec,
  literalCodec,
  objectListCodec,
  nullable,
  num,
  other,
  recordCodec,
  setCodec,
  str,
  wrongAttr,
} from "./kinds.js";
import { toAttribute } from "./hooks.js";
import type { AnySchema, ObjectPlan } from "./schema/schema.js";

export { KEEP, STRICT, WRAP } from "./flags.js";

type AV = Record<string, unknown>;

/** An encoder/decoder pair for one schema. */
export interface Codec {
  /** Encodes a value; `undefined` means "store nothing" (an empty set). `depth`: level of the container. */
  enc(v: unknown, depth: number): AttributeValue | undefined;
  /** Decodes an attribute value; `flags` is a mix of {@link WRAP}, {@link KEEP}, {@link STRICT}. */
  dec(av: AttributeValue, flags: number): unknown;
  /** Object codecs: encodes the value as a map at level `depth`. */
  encItem?(v: unknown, depth: number): Record<string, AttributeValue>;
  /** Object codecs: decodes a map. */
  decItem?(m: Record<string, AttributeValue>, flags: number): unknown;
}

/** How object schemas are turned into code. */
export type Mode = "codegen" | "interpret";

/** Builds the codec of a child schema in the same mode. */
export type Build = (schema: AnySchema) => Codec;

/**
 * The generated-code object builder, set by `compile.ts`; the interpreter (`interpret.ts`) is
 * imported directly, so no build step can drop it as a side-effect-only import.
 */
export const objectBuilders: Partial<Record<Mode, (plan: ObjectPlan, build: Build) => Codec>> = {};

/** The codec of a schema in a mode, built once and kept on the schema. */
export function codecOf(schema: AnySchema, mode: Mode): Codec {
  const cache = schema.compiled as Record<Mode, Codec | undefined>;
  return (cache[mode] ??= buildCodec(schema, mode));
}

function buildCodec(schema: AnySchema, mode: Mode): Codec {
  const build: Build = (child) => codecOf(child, mode);
  const def = schema.def;
  let codec: Codec;
  switch (def.kind) {
    case "string":
      codec = str;
      break;
    case "number":
      codec = num;
      break;
    case "bigint":
      codec = big;
      break;
    case "boolean":
      codec = bool;
      break;
    case "binary":
      codec = bin;
      break;
    case "json":
      codec = json;
      break;
    case "any":
      codec = anyCodec;
      break;
    case "date":
      codec = dateCodec(def.as);
      break;
    case "literal":
      codec = literalCodec(def.values);
      break;
    case "stringSet":
    case "numberSet":
    case "binarySet":
      codec = setCodec(def.kind);
      break;
    case "list": {
      const item = build(def.item);
      // A list of plain objects calls the element's map codec directly (the common shape).
      codec =
        def.item.def.kind === "object" && !def.item.mods.nullable
          ? objectListCodec(item)
          : listCodec(item);
      break;
    }
    case "map":
    case "record":
      codec = recordCodec(build(def.value), def.kind === "map");
      break;
    case "object": {
      const make = objectBuilders[mode] ?? interpretObject;
      codec = make(def.plan, build);
      break;
    }
    case "embed":
      codec = build(def.inner);
      break;
    case "custom":
      codec = customCodec(def);
      break;
  }
  return schema.mods.nullable ? nullable(codec) : codec;
}

/** Builds the `M` wrapper codec of an object from its item encoder and decoder. */
export function objectCodec(
  encItem: (v: unknown, depth: number) => Record<string, AttributeValue>,
  decItem: (m: Record<string, AttributeValue>, flags: number) => unknown,
): Codec {
  return {
    enc: (x, depth) => {
      if (
        x === null ||
        typeof x !== "object" ||
        Array.isArray(x) ||
        (x as AV)[toAttribute as never] !== undefined
      ) {
        return other(x, "an object");
      }
      return { M: encItem(x, depth + 1) };
    },
    dec: (av, flags) => {
      const m = (av as unknown as AV).M as Record<string, AttributeValue> | undefined;
      if (m === null || typeof m !== "object") wrongAttr(av, "M (a map)");
      return decItem(m!, flags);
    },
    encItem,
    decItem,
  };
}
