/**
 * The custom-marshaler protocol: symbols a value or class implements to control its own
 * encoding (the counterpart of the Go library's `MapMarshaler` / `MapUnmarshaler`).
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * A method key: a value with `[toItem](): Record<string, AttributeValue>` is encoded by that
 * method, as the whole item (top level) or as an `M` attribute (nested).
 * Registered with `Symbol.for`, so copies of dyno-ts loaded twice (ESM and CommonJS) agree.
 */
export const toItem: unique symbol = Symbol.for("dyno-ts.toItem") as never;

/**
 * A static method key: a class with `static [fromItem](item): Instance` is decoded by it,
 * when the class is given as a schema (`unmarshalItem(item, Money)`, `s.custom(Money)`).
 */
export const fromItem: unique symbol = Symbol.for("dyno-ts.fromItem") as never;

/**
 * A method key: an object with `[toAttribute](): AttributeValue` is encoded by that method
 * wherever it appears, with or without a schema (a decimal or money type, say).
 */
export const toAttribute: unique symbol = Symbol.for("dyno-ts.toAttribute") as never;

/** A value that encodes itself as a whole item (or as an `M` attribute when nested). */
export interface ItemMarshaler {
  /** Returns the item's attributes. */
  [toItem](): Record<string, AttributeValue>;
}

/** A value that encodes itself as one attribute value. */
export interface AttributeMarshaler {
  /** Returns the attribute value that stands for this value. */
  [toAttribute](): AttributeValue;
}

/** A class whose instances decode from an item: `static [fromItem](item)`. */
export interface ItemClass<T> {
  /** Builds an instance from the item's attributes. */
  [fromItem](item: Record<string, AttributeValue>): T;
}
