/**
 * Standard Schema v1 (https://standardschema.dev): the interface validation libraries share
 * (zod, valibot, arktype...). Every `s.*` schema implements it, so it plugs into any tool that
 * takes a Standard Schema; a model's `validate` option takes any. The interface is types only
 * (no runtime dependency), as the specification intends.
 * @module
 */
import type { AnySchema } from "./schema.js";
import { DynoEncodingError } from "../../errors.js";

/** A Standard Schema v1. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

// The specification's own shape: a namespace of types merged with the interface.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardSchemaV1 {
  /** The properties of a Standard Schema. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the specification: 1. */
    readonly version: 1;
    /** The library that made the schema. */
    readonly vendor: string;
    /** Checks a value: its output, or the issues found. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** The input and output types (never set at run time). */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** The result of `validate`. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A valid value. */
  export interface SuccessResult<Output> {
    /** The value. */
    readonly value: Output;
    /** No issues. */
    readonly issues?: undefined;
  }
  /** An invalid value. */
  export interface FailureResult {
    /** What is wrong. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One problem. */
  export interface Issue {
    /** What is wrong. */
    readonly message: string;
    /** Where: the keys from the value's root. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** One key of a path. */
  export interface PathSegment {
    /** The key. */
    readonly key: PropertyKey;
  }
  /** The phantom types. */
  export interface Types<Input = unknown, Output = Input> {
    /** The input type. */
    readonly input: Input;
    /** The output type. */
    readonly output: Output;
  }
  /** The input type of a Standard Schema. */
  export type InferInput<S extends StandardSchemaV1> = NonNullable<
    S["~standard"]["types"]
  >["input"];
  /** The output type of a Standard Schema. */
  export type InferOutput<S extends StandardSchemaV1> = NonNullable<
    S["~standard"]["types"]
  >["output"];
}

/** `orders[3].lines[0].price` → `["orders", 3, "lines", 0, "price"]`. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path))
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/**
 * The Standard Schema properties of an `s.*` schema: a value is valid when the schema's codec
 * encodes it (the same check a write makes), and the output is the value itself.
 */
export function standardProps<T>(
  schema: AnySchema,
  encode: (value: unknown, schema: AnySchema) => unknown,
): StandardSchemaV1.Props<T, T> {
  return {
    version: 1,
    vendor: "dyno-ts",
    validate(value: unknown): StandardSchemaV1.Result<T> {
      if (value === undefined && schema.mods.optional) return { value: value as T };
      try {
        encode(value, schema);
        return { value: value as T };
      } catch (e) {
        if (!(e instanceof DynoEncodingError)) throw e;
        const message =
          e.path && e.message.startsWith(`${e.path}: `)
            ? e.message.slice(e.path.length + 2)
            : e.message;
        return { issues: [{ message, path: pathSegments(e.path) }] };
      }
    },
  };
}
