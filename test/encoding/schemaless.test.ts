import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NumberValueImpl as SdkNumberValue } from "@aws-sdk/util-dynamodb";
import {
  NumberValue,
  marshalItem,
  marshalItems,
  marshalValue,
  toAttribute,
  toItem,
  unmarshalItem,
  unmarshalItems,
  unmarshalValue,
} from "../../src/index.js";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { throwsAt } from "./support.js";

describe("schema-less default mapping", () => {
  it("encodes every type of the mapping", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const item = marshalItem({
      s: "x",
      n: 1.5,
      big: 12345678901234567890123n,
      t: true,
      f: false,
      nul: null,
      b: bytes,
      buf: Buffer.from([9]),
      ss: new Set(["a", "b"]),
      ns: new Set([1, 2n, new NumberValue("3.25")]),
      bs: new Set([bytes]),
      l: [1, "a", [true]],
      m: { nested: { deep: "v" } },
      map: new Map([["k", 1]]),
      d: new Date("2024-05-06T07:08:09.010Z"),
      nv: new NumberValue("0.1000000000000000000000000000000000001"),
      sdk: new SdkNumberValue("123456789012345678901234567890"),
      u: undefined,
    });
    assert.deepEqual(item, {
      s: { S: "x" },
      n: { N: "1.5" },
      big: { N: "12345678901234567890123" },
      t: { BOOL: true },
      f: { BOOL: false },
      nul: { NULL: true },
      b: { B: bytes },
      buf: { B: Buffer.from([9]) },
      ss: { SS: ["a", "b"] },
      ns: { NS: ["1", "2", "3.25"] },
      bs: { BS: [bytes] },
      l: { L: [{ N: "1" }, { S: "a" }, { L: [{ BOOL: true }] }] },
      m: { M: { nested: { M: { deep: { S: "v" } } } } },
      map: { M: { k: { N: "1" } } },
      d: { S: "2024-05-06T07:08:09.010Z" },
      nv: { N: "0.1000000000000000000000000000000000001" },
      sdk: { N: "123456789012345678901234567890" },
    });
  });

  it("round-trips values of the mapping", () => {
    const value = {
      s: "",
      n: -0.25,
      int: 2 ** 53,
      small: 1e-7,
      huge: 1e21,
      t: true,
      nul: null,
      b: new Uint8Array([0, 255]),
      ss: new Set(["x"]),
      ns: new Set([1, 2.5]),
      bs: new Set([new Uint8Array([1])]),
      l: [[], {}, [null]],
      m: { "odd key.with[dots]": { inner: [1, 2] } },
    };
    assert.deepStrictEqual(unmarshalItem(marshalItem(value)), value);
    assert.deepStrictEqual(unmarshalValue(marshalValue([1, "x"])), [1, "x"]);
  });

  it("reads numbers as JS numbers only when exact", () => {
    assert.equal(unmarshalValue({ N: "1000000000000000000000" }), 1e21);
    assert.equal(unmarshalValue({ N: "0.0000001" }), 1e-7);
    assert.equal(unmarshalValue({ N: "9007199254740992" }), 2 ** 53);
    assert.equal(unmarshalValue({ N: "0.30000000000000004" }), 0.30000000000000004);
    throwsAt(
      () => unmarshalItem({ a: { M: { n: { N: "9007199254740993" } } } }),
      "a.n",
      /wrapNumbers/,
    );
    throwsAt(() => unmarshalValue({ N: "0.1234567890123456789" }), "", /precision/);
    const wrapped = unmarshalItem({ n: { N: "9007199254740993" }, m: { N: "5" } }, undefined, {
      wrapNumbers: true,
    });
    assert.ok(wrapped.n instanceof NumberValue);
    assert.equal((wrapped.n as NumberValue).value, "9007199254740993");
    assert.equal((wrapped.n as NumberValue).toBigInt(), 9007199254740993n);
    assert.equal(wrapped.m, 5);
    const set = unmarshalValue({ NS: ["1", "12345678901234567890"] }, undefined, {
      wrapNumbers: true,
    }) as Set<unknown>;
    assert.deepEqual([...set].map(String), ["1", "12345678901234567890"]);
    // a wrapped number writes back unchanged
    assert.deepEqual(marshalItem(wrapped), { n: { N: "9007199254740993" }, m: { N: "5" } });
  });

  it("keeps a __proto__ key as data, both ways", () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as Record<string, unknown>;
    const item = marshalItem(value);
    assert.deepEqual(Object.keys(item), ["__proto__", "a"]);
    const back = unmarshalItem(item);
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.keys(back), ["__proto__", "a"]);
  });

  it("stores class instances as maps of their own properties", () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      get sum() {
        return this.x + this.y;
      }
    }
    assert.deepEqual(marshalValue(new Point(1, 2)), { M: { x: { N: "1" }, y: { N: "2" } } });
  });

  it("plural forms", () => {
    const items = marshalItems([{ a: 1 }, { a: 2 }]);
    assert.deepEqual(unmarshalItems(items), [{ a: 1 }, { a: 2 }]);
    throwsAt(() => marshalItems([{ a: 1 }, { a: { b: NaN } }]), "[1].a.b", /finite/);
    throwsAt(
      () => unmarshalItems([{ a: { N: "1" } }, { a: { L: [{ N: "x" }] } }]),
      "[1].a[0]",
      /not a number/,
    );
  });
});

describe("schema-less errors name the path", () => {
  it("NaN and Infinity", () => {
    throwsAt(
      () => marshalItem({ orders: [{}, {}, {}, { lines: [{ price: NaN }] }] }),
      "orders[3].lines[0].price",
      /finite/,
    );
    throwsAt(() => marshalValue(Infinity), "", /finite/);
    throwsAt(() => marshalItem({ m: new Map([["k", -Infinity]]) }), "m.k", /finite/);
  });
  it("numbers out of DynamoDB's range", () => {
    throwsAt(() => marshalItem({ a: 1e200 }), "a", /range/);
    throwsAt(() => marshalItem({ a: 5e-324 }), "a", /range/);
    throwsAt(() => marshalItem({ a: 10n ** 126n }), "a", /range/);
  });
  it("more than 38 significant digits", () => {
    throwsAt(
      () => marshalItem({ x: { big: 123456789012345678901234567890123456789n } }),
      "x.big",
      /39 significant digits/,
    );
    throwsAt(
      () => marshalItem({ nv: new NumberValue("1.23456789012345678901234567890123456789") }),
      "nv",
      /38/,
    );
    throwsAt(() => marshalItem({ s: new Set([1, 10n ** 40n + 1n]) }), "s", /38/);
    // trailing zeros are not significant: 10^40 is fine
    assert.deepEqual(marshalValue(10n ** 40n), { N: "1" + "0".repeat(40) });
  });
  it("an empty set", () => {
    throwsAt(() => marshalItem({ a: { tags: new Set() } }), "a.tags", /empty set/);
  });
  it("a mixed set", () => {
    throwsAt(() => marshalItem({ l: [new Set(["a", 1])] }), "l[0]", /mixed set/);
    throwsAt(() => marshalItem({ s: new Set([{}]) }), "s", /strings, numbers or binaries/);
  });
  it("a function or a symbol", () => {
    throwsAt(() => marshalItem({ a: { f: () => 1 } }), "a.f", /function cannot be stored/);
    throwsAt(() => marshalItem({ l: [1, Symbol("x")] }), "l[1]", /symbol cannot be stored/);
  });
  it("a circular reference", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    throwsAt(() => marshalItem(a), "self", /circular reference/);
    const list: unknown[] = [1];
    list.push({ back: list });
    throwsAt(() => marshalItem({ x: { list } }), "x.list[1].back", /circular reference/);
  });
  it("nesting deeper than DynamoDB allows (no cycle)", () => {
    let v: unknown = "leaf";
    for (let i = 0; i < 31; i++) v = { a: v };
    marshalItem({ v }); // 32 levels with the item: fine
    throwsAt(() => marshalItem({ v: { a: v } }), "v" + ".a".repeat(31), /32 levels/);
  });
  it("an empty attribute name, at any depth", () => {
    throwsAt(() => marshalItem({ a: { "": 1 } }), 'a[""]', /attribute name cannot be empty/);
    throwsAt(
      () => marshalItem({ m: new Map([["", 1]]) }),
      'm[""]',
      /attribute name cannot be empty/,
    );
  });
  it("undefined in a list, a bad item, other unstorable values", () => {
    throwsAt(() => marshalItem({ l: [1, undefined] }), "l[1]", /undefined/);
    throwsAt(() => marshalItem([1] as unknown as object), "", /an item must be an object/);
    throwsAt(() => marshalItem({ r: /x/ }), "r", /RegExp cannot be stored/);
    throwsAt(() => marshalItem({ d: new Date(NaN) }), "d", /invalid Date/);
    throwsAt(() => marshalItem({ f: new Float64Array(2) }), "f", /Uint8Array/);
  });
  it("unreadable attribute values", () => {
    throwsAt(
      () => unmarshalItem({ a: { L: [{ X: 1 } as unknown as AttributeValue] } }),
      "a[0]",
      /attribute value/,
    );
    throwsAt(() => unmarshalItem({ a: { N: "abc" } }), "a", /not a number/);
  });
});

describe("custom marshalers without a schema", () => {
  class Money {
    constructor(
      readonly cents: bigint,
      readonly currency: string,
    ) {}
    [toAttribute](): AttributeValue {
      return { S: `${this.cents} ${this.currency}` };
    }
  }
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
    [toItem](): Record<string, AttributeValue> {
      return { xy: { S: `${this.x},${this.y}` } };
    }
  }
  it("[toAttribute] is used wherever the value appears", () => {
    assert.deepEqual(marshalItem({ price: new Money(150n, "EUR"), l: [new Money(1n, "USD")] }), {
      price: { S: "150 EUR" },
      l: { L: [{ S: "1 USD" }] },
    });
    assert.deepEqual(marshalValue(new Money(2n, "GBP")), { S: "2 GBP" });
  });
  it("[toItem] encodes the item, or a nested map", () => {
    assert.deepEqual(marshalItem(new Point(1, 2)), { xy: { S: "1,2" } });
    assert.deepEqual(marshalItem({ p: new Point(3, 4) }), { p: { M: { xy: { S: "3,4" } } } });
    assert.deepEqual(marshalItem({ [toItem]: () => ({ a: { S: "b" } }) }), { a: { S: "b" } });
  });
  it("a failing hook names the path", () => {
    const bad = {
      [toAttribute](): AttributeValue {
        throw new Error("boom");
      },
    };
    throwsAt(() => marshalItem({ a: [bad] }), "a[0]", /boom/);
  });
});

it("a NumberValue whose class a bundler renamed is a number; a user's class named NumberValue with more fields is a map", () => {
  // util-dynamodb's class as esbuild leaves it, renamed (`_NumberValue`, or `t` when minified).
  const t = class t {
    value: string;
    constructor(value: string) {
      this.value = value;
    }
    toAttributeValue() {
      return { N: this.value };
    }
    toBigInt() {
      return BigInt(this.value);
    }
  };
  const sdk = new SdkNumberValue("2");
  Object.defineProperty(sdk.constructor, "name", { value: "_NumberValue" });
  try {
    assert.deepEqual(marshalItem({ a: new t("1.5"), b: sdk }), { a: { N: "1.5" }, b: { N: "2" } });
  } finally {
    Object.defineProperty(sdk.constructor, "name", { value: "NumberValue" });
  }
  class NumberValue {
    constructor(
      readonly value: string,
      readonly unit: string,
    ) {}
  }
  assert.deepEqual(marshalItem({ c: new NumberValue("3", "kg") }, undefined), {
    c: { M: { value: { S: "3" }, unit: { S: "kg" } } },
  });
});
