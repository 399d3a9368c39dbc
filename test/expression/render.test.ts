import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DynoEncodingError,
  DynoValidationError,
  ExpressionAttributes,
  MAX_IN_OPERANDS,
  asKeyCondition,
  attr,
  cond,
  isCondition,
  isKeyCondition,
  isUpdateAction,
  key,
  keyConditionNames,
  renderProjection,
  renderUpdate,
  size,
  update,
  type Condition,
  type ExpressionContext,
  type KeyCondition,
} from "../../src/index.js";

/** Renders one expression in a fresh context: the string and the placeholder maps. */
function render(expr: { render(ctx: ExpressionContext): string }) {
  const ctx = new ExpressionAttributes();
  const expression = expr.render(ctx);
  const { ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {} } =
    ctx.toInput();
  return { expression, names, values };
}

/** Asserts a DynoValidationError with this field whose message matches. */
function throwsValidation(fn: () => unknown, field: string | RegExp, message: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DynoValidationError, `expected DynoValidationError, got ${error}`);
    if (typeof field === "string") assert.equal(error.field, field);
    else assert.match(error.field, field);
    assert.match(error.message, message);
    return true;
  });
}

describe("conditions render readable, stable strings", () => {
  const cases: [string, Condition, string][] = [
    ["eq", cond.eq("a", 1), "#n0 = :v0"],
    ["ne", cond.ne("a", "x"), "#n0 <> :v0"],
    ["lt", cond.lt("a", 1), "#n0 < :v0"],
    ["le", cond.le("a", 1), "#n0 <= :v0"],
    ["gt", cond.gt("a", 1), "#n0 > :v0"],
    ["ge", cond.ge("a", 1), "#n0 >= :v0"],
    ["between", cond.between("a", 1, 2), "#n0 BETWEEN :v0 AND :v1"],
    ["in", cond.in("a", 1, 2, 3), "#n0 IN (:v0, :v1, :v2)"],
    ["beginsWith", cond.beginsWith("a", "x"), "begins_with(#n0, :v0)"],
    ["contains", cond.contains("a", "x"), "contains(#n0, :v0)"],
    ["exists", cond.exists("a"), "attribute_exists(#n0)"],
    ["notExists", cond.notExists("a"), "attribute_not_exists(#n0)"],
    ["type", cond.type("a", "SS"), "attribute_type(#n0, :v0)"],
    ["not", cond.not(cond.eq("a", 1)), "NOT (#n0 = :v0)"],
    ["and", cond.and(cond.eq("a", 1), cond.eq("b", 2)), "#n0 = :v0 AND #n1 = :v1"],
    ["or", cond.or(cond.eq("a", 1), cond.eq("b", 2)), "#n0 = :v0 OR #n1 = :v1"],
    ["nested path", cond.eq("a.b[2].c", 1), "#n0.#n1[2].#n2 = :v0"],
    ["segments", cond.eq(["weird.name", 0, "x"], 1), "#n0[0].#n1 = :v0"],
    ["attr", cond.lt("spent", attr("budget")), "#n0 < #n1"],
    ["attr nested", cond.eq("a.b", attr("a.c")), "#n0.#n1 = #n0.#n2"],
    ["size", size("tags").gt(3), "size(#n0) > :v0"],
    ["size eq", size("tags").eq(0), "size(#n0) = :v0"],
    ["size ne", size("tags").ne(0), "size(#n0) <> :v0"],
    ["size lt", size("tags").lt(1), "size(#n0) < :v0"],
    ["size le", size("tags").le(1), "size(#n0) <= :v0"],
    ["size ge", size("tags").ge(1), "size(#n0) >= :v0"],
    ["size between", size("tags").between(1, 4), "size(#n0) BETWEEN :v0 AND :v1"],
    ["size vs size", size("a").gt(size("b")), "size(#n0) > size(#n1)"],
    ["size vs attr", size("a").le(attr("max")), "size(#n0) <= #n1"],
    ["eq size", cond.eq("n", size("l")), "#n0 = size(#n1)"],
    ["in attr", cond.in("a", attr("b"), 1), "#n0 IN (#n1, :v0)"],
    ["contains attr", cond.contains("tags", attr("wanted")), "contains(#n0, #n1)"],
    [
      "AND of OR is parenthesised",
      cond.and(cond.eq("a", 1), cond.or(cond.eq("b", 2), cond.eq("c", 3))),
      "#n0 = :v0 AND (#n1 = :v1 OR #n2 = :v2)",
    ],
    [
      "OR of AND is parenthesised too",
      cond.or(cond.and(cond.eq("a", 1), cond.eq("b", 2)), cond.eq("c", 3)),
      "(#n0 = :v0 AND #n1 = :v1) OR #n2 = :v2",
    ],
    [
      "nested ANDs are flattened",
      cond.and(cond.and(cond.eq("a", 1), cond.eq("b", 2)), cond.and(cond.eq("c", 3))),
      "#n0 = :v0 AND #n1 = :v1 AND #n2 = :v2",
    ],
    [
      "NOT of a group",
      cond.not(cond.or(cond.exists("a"), cond.exists("b"))),
      "NOT (attribute_exists(#n0) OR attribute_exists(#n1))",
    ],
    [
      "NOT inside AND needs no extra parentheses",
      cond.and(cond.not(cond.exists("a")), cond.eq("b", 1)),
      "NOT (attribute_exists(#n0)) AND #n1 = :v0",
    ],
    ["and of one is that one", cond.and(cond.eq("a", 1)), "#n0 = :v0"],
  ];
  for (const [name, condition, expected] of cases) {
    test(name, () => assert.equal(render(condition).expression, expected));
  }

  test("placeholders: reserved words get names, identical names share one", () => {
    const out = render(
      cond.and(
        cond.eq("name", "x"),
        cond.eq("status", "open"),
        size("size").gt(1),
        cond.eq("data.timestamp", 5),
        cond.exists("status"),
      ),
    );
    assert.equal(
      out.expression,
      "#n0 = :v0 AND #n1 = :v1 AND size(#n2) > :v2 AND #n3.#n4 = :v3 AND attribute_exists(#n1)",
    );
    assert.deepEqual(out.names, {
      "#n0": "name",
      "#n1": "status",
      "#n2": "size",
      "#n3": "data",
      "#n4": "timestamp",
    });
    assert.deepEqual(out.values, {
      ":v0": { S: "x" },
      ":v1": { S: "open" },
      ":v2": { N: "1" },
      ":v3": { N: "5" },
    });
  });

  test("values are encoded through the encoding layer", () => {
    const out = render(
      cond.and(
        cond.eq("s", "x"),
        cond.eq("n", 1.5),
        cond.eq("b", true),
        cond.eq("z", null),
        cond.eq("l", [1, "a"]),
        cond.eq("m", { k: 1 }),
        cond.eq("bin", new Uint8Array([1, 2])),
        cond.contains("ss", "q"),
        cond.type("t", "M"),
      ),
    );
    assert.deepEqual(out.values, {
      ":v0": { S: "x" },
      ":v1": { N: "1.5" },
      ":v2": { BOOL: true },
      ":v3": { NULL: true },
      ":v4": { L: [{ N: "1" }, { S: "a" }] },
      ":v5": { M: { k: { N: "1" } } },
      ":v6": { B: new Uint8Array([1, 2]) },
      ":v7": { S: "q" },
      ":v8": { S: "M" },
    });
  });

  test("Date, bigint and Map values use the encoding layer's rules", () => {
    const out = render(
      cond.and(
        cond.eq("at", new Date(0)),
        cond.eq("big", 12345678901234567890n),
        cond.eq("m", new Map([["a", 1]])),
      ),
    );
    assert.deepEqual(out.values, {
      ":v0": { S: "1970-01-01T00:00:00.000Z" },
      ":v1": { N: "12345678901234567890" },
      ":v2": { M: { a: { N: "1" } } },
    });
  });

  test("a condition renders the same twice and is reusable across inputs", () => {
    const c = cond.and(cond.eq("a", 1), cond.in("b", "x", "y"));
    assert.deepEqual(render(c), render(c));
  });

  test("IN takes up to 100 values", () => {
    const values = Array.from({ length: MAX_IN_OPERANDS }, (_, i) => i);
    const out = render(cond.in("n", ...values));
    assert.equal(Object.keys(out.values).length, 100);
    assert.ok(out.expression.endsWith(":v98, :v99)"));
  });

  test("works with any ExpressionContext (values encoded by the context)", () => {
    const seen: unknown[] = [];
    const ctx: ExpressionContext = {
      path: (p) => `<${String(p)}>`,
      value: (v) => {
        seen.push(v);
        return `?${seen.length}`;
      },
    };
    assert.equal(cond.between("a", 1, 2).render(ctx), "<a> BETWEEN ?1 AND ?2");
    assert.deepEqual(seen, [1, 2]);
  });
});

describe("condition validation", () => {
  test("cond.in with no values or more than 100", () => {
    throwsValidation(() => cond.in("a"), "cond.in", /at least one value for "a"/);
    const many = Array.from({ length: 101 }, (_, i) => i);
    throwsValidation(() => cond.in("a", ...many), "cond.in", /101 values for "a".*at most 100/);
  });
  test("cond.and / cond.or with no conditions", () => {
    throwsValidation(() => cond.and(), "cond.and", /at least one condition/);
    throwsValidation(() => cond.or(), "cond.or", /at least one condition/);
  });
  test("and / or / not of something that is not a condition", () => {
    throwsValidation(
      () => cond.and(cond.eq("a", 1), "a = 1" as never),
      "cond.and",
      /argument 2 is not a condition/,
    );
    throwsValidation(
      () => cond.or(key.eq("pk", 1) as never),
      "cond.or",
      /key\.\* condition belongs in a KeyConditionExpression/,
    );
    throwsValidation(() => cond.not(undefined as never), "cond.not", /not a condition/);
  });
  test("cond.type with an unknown type", () => {
    throwsValidation(
      () => cond.type("a", "STRING" as never),
      "cond.type",
      /unknown attribute type "STRING" for "a"/,
    );
  });
  test("undefined, NaN, Infinity and unencodable values", () => {
    throwsValidation(() => cond.eq("a.b", undefined), "cond.eq", /value for "a.b" is undefined/);
    throwsValidation(() => cond.ne("a", Number.NaN), "cond.ne", /value for "a" is NaN/);
    throwsValidation(() => cond.gt("a", Infinity), "cond.gt", /is Infinity, not a finite number/);
    throwsValidation(() => cond.eq("a", () => 1), "cond.eq", /value for "a" cannot be encoded/);
    throwsValidation(() => cond.eq("a", Symbol("s")), "cond.eq", /cannot be encoded/);
    throwsValidation(() => cond.in("a", 1, undefined), "cond.in", /value 2 for "a" is undefined/);
    throwsValidation(() => cond.contains("a", undefined), "cond.contains", /undefined/);
  });
  test("encoding errors become validation errors naming the function and path", () => {
    for (const [fn, reason] of [
      [() => cond.eq("a.b", 1e200), /value for "a.b" cannot be encoded: .*range/],
      [() => cond.eq("a", new Set()), /cannot be encoded: an empty set/],
      [() => cond.in("a", 1, new Set([1, "x"])), /value 2 for "a" cannot be encoded: a mixed set/],
      [() => cond.eq("a", { ok: 1, bad: () => 1 }), /cannot be encoded: bad: a function/],
    ] as const) {
      assert.throws(fn, (error: unknown) => {
        assert.ok(error instanceof DynoValidationError);
        assert.match(error.message, reason);
        assert.ok(error.cause instanceof DynoEncodingError, "the encoding error is the cause");
        return true;
      });
    }
  });
  test("ordering comparisons need a string, number or binary", () => {
    throwsValidation(() => cond.lt("a", true), "cond.lt", /must be S or N or B.*got BOOL/);
    throwsValidation(() => cond.ge("a", [1]), "cond.ge", /got L/);
    throwsValidation(() => cond.le("a", null), "cond.le", /got NULL/);
    throwsValidation(() => cond.between("a", { x: 1 }, { x: 2 }), "cond.between", /got M/);
  });
  test("between bounds of different types or reversed", () => {
    throwsValidation(() => cond.between("a", 1, "2"), "cond.between", /same type, got N and S/);
    throwsValidation(() => cond.between("a", 5, 1), "cond.between", /lower bound is greater/);
    throwsValidation(() => cond.between("a", "b", "a"), "cond.between", /lower bound is greater/);
    throwsValidation(() => size("a").between(3, 2), "size.between", /lower bound is greater/);
    // equal bounds are fine, and attribute bounds cannot be checked early
    assert.ok(cond.between("a", 2, 2));
    assert.ok(cond.between("a", attr("lo"), 1));
  });
  test("begins_with needs a string or binary prefix", () => {
    throwsValidation(
      () => cond.beginsWith("a", 1),
      "cond.beginsWith",
      /prefix for "a" must be S or B.*got N/,
    );
  });
  test("an attribute compared with itself (DynamoDB rejects it)", () => {
    throwsValidation(
      () => cond.eq("a.b", attr("a.b")),
      "cond.eq",
      /another attribute than "a.b" itself/,
    );
    throwsValidation(() => cond.lt("a", attr(["a"])), "cond.lt", /another attribute/);
    throwsValidation(() => cond.in("a", 1, attr("a")), "cond.in", /another attribute/);
    throwsValidation(() => cond.between("a", attr("a"), 3), "cond.between", /another attribute/);
    assert.ok(cond.eq("a", attr("a.b")), "a path inside it is another attribute");
    assert.ok(size("a").gt(size("a")), "size(a) > size(a) is allowed");
  });
  test("a function whose operand is its own path", () => {
    throwsValidation(
      () => cond.contains("a", attr("a")),
      "cond.contains",
      /another attribute than "a"/,
    );
    throwsValidation(() => cond.beginsWith("a", attr("a")), "cond.beginsWith", /another attribute/);
  });
  test("size() compares with numbers", () => {
    throwsValidation(
      () => size("a").gt("3" as never),
      "size.gt",
      /value for size\("a"\) must be N/,
    );
    throwsValidation(() => size("a").eq(Number.NaN), "size.eq", /NaN/);
  });
  test("malformed paths anywhere name the path", () => {
    throwsValidation(() => cond.eq("a[", 1), "a[", /malformed path "a\[": unbalanced bracket/);
    throwsValidation(() => cond.exists("a..b"), "a..b", /empty segment/);
    throwsValidation(() => size("a[-1]"), "a[-1]", /negative index/);
    // An empty path cannot name itself: the field is what was given it.
    throwsValidation(() => attr(""), "attr", /empty path/);
    throwsValidation(() => cond.eq("", 1), "cond.eq", /malformed path "": empty path/);
    throwsValidation(() => cond.in("", 1), "cond.in", /empty path/);
    throwsValidation(() => update.set("", 1), "update.set", /empty path/);
    throwsValidation(() => update.remove(""), "update.remove", /empty path/);
    throwsValidation(() => size("").gt(1), "size", /empty path/);
    throwsValidation(() => cond.in("x[1.5]", 1), "x[1.5]", /not a non-negative integer/);
  });
});

describe("key conditions", () => {
  const cases: [string, KeyCondition, string][] = [
    ["eq", key.eq("pk", "a"), "#n0 = :v0"],
    ["and eq", key.and(key.eq("pk", "a"), key.eq("sk", 1)), "#n0 = :v0 AND #n1 = :v1"],
    ["lt", key.and(key.eq("pk", "a"), key.lt("sk", 1)), "#n0 = :v0 AND #n1 < :v1"],
    ["le", key.and(key.eq("pk", "a"), key.le("sk", 1)), "#n0 = :v0 AND #n1 <= :v1"],
    ["gt", key.and(key.eq("pk", "a"), key.gt("sk", 1)), "#n0 = :v0 AND #n1 > :v1"],
    ["ge", key.and(key.eq("pk", "a"), key.ge("sk", 1)), "#n0 = :v0 AND #n1 >= :v1"],
    [
      "between",
      key.and(key.eq("pk", "a"), key.between("sk", 1, 2)),
      "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2",
    ],
    [
      "beginsWith",
      key.and(key.eq("pk", "a"), key.beginsWith("sk", "x")),
      "#n0 = :v0 AND begins_with(#n1, :v1)",
    ],
    [
      "sort first is reordered",
      key.and(key.gt("sk", 1), key.eq("pk", "a")),
      "#n0 = :v0 AND #n1 > :v1",
    ],
    ["names are literal", key.eq("a.b[0]", "x"), "#n0 = :v0"],
    [
      "from a cond tree",
      asKeyCondition(cond.and(cond.eq("pk", "a"), cond.between("sk", 1, 9))),
      "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2",
    ],
    [
      "key.and accepts cond leaves",
      key.and(cond.eq("pk", "a"), cond.beginsWith("sk", "x")),
      "#n0 = :v0 AND begins_with(#n1, :v1)",
    ],
  ];
  for (const [name, kc, expected] of cases) {
    test(name, () => assert.equal(render(kc).expression, expected));
  }

  test("literal names: a dot is part of the name", () => {
    assert.deepEqual(render(key.eq("a.b[0]", "x")).names, { "#n0": "a.b[0]" });
  });

  test("keyConditionNames tells the partition and sort key", () => {
    assert.deepEqual(keyConditionNames(key.eq("pk", 1)), { partition: "pk" });
    assert.deepEqual(keyConditionNames(key.and(key.eq("pk", 1), key.eq("sk", 2))), {
      partition: "pk",
      sort: "sk",
    });
    assert.deepEqual(keyConditionNames(key.and(key.lt("sk", 2), key.eq("pk", 1))), {
      partition: "pk",
      sort: "sk",
    });
    assert.deepEqual(keyConditionNames(key.lt("sk", 1)), { sort: "sk" });
    const kc = key.and(key.eq("pk", 1), key.beginsWith("sk", "a"));
    assert.equal((kc as { partition?: string }).partition, "pk");
    assert.equal((kc as { sort?: string }).sort, "sk");
  });

  test("a sort key condition alone cannot render", () => {
    throwsValidation(() => render(key.lt("sk", 1)), "key", /needs key.eq on the partition key/);
  });

  test("rejects what DynamoDB does not allow in a KeyConditionExpression", () => {
    const pk = cond.eq("pk", "a");
    throwsValidation(
      () => asKeyCondition(cond.or(pk, cond.eq("pk", "b"))),
      "keyCondition",
      /OR is not allowed/,
    );
    throwsValidation(
      () => asKeyCondition(cond.and(pk, cond.not(cond.eq("sk", 1)))),
      "keyCondition",
      /NOT is not allowed/,
    );
    throwsValidation(
      () => asKeyCondition(cond.and(pk, cond.contains("sk", "x"))),
      "keyCondition",
      /contains is not allowed/,
    );
    throwsValidation(
      () => asKeyCondition(cond.and(pk, cond.ne("sk", 1))),
      "keyCondition",
      /<> \(ne\) is not allowed/,
    );
    throwsValidation(
      () => asKeyCondition(cond.and(pk, cond.in("sk", 1, 2))),
      "keyCondition",
      /IN is not allowed/,
    );
    throwsValidation(
      () => asKeyCondition(cond.and(pk, cond.exists("sk"))),
      "keyCondition",
      /attribute_exists is not allowed/,
    );
    throwsValidation(
      () => asKeyCondition(cond.and(pk, size("sk").gt(1))),
      "keyCondition",
      /size\(\) is not allowed/,
    );
    throwsValidation(
      () => asKeyCondition(cond.and(pk, cond.lt("sk", attr("x")))),
      "keyCondition",
      /attribute-to-attribute/,
    );
    throwsValidation(() => asKeyCondition(cond.eq("a.b", 1)), "keyCondition", /nested path "a.b"/);
    throwsValidation(() => asKeyCondition(cond.eq("pk", true)), "keyCondition", /a BOOL value/);
    throwsValidation(
      () => key.and(key.eq("pk", 1), cond.or(cond.eq("sk", 1), cond.eq("sk", 2))),
      "key.and",
      /argument 2: OR/,
    );
  });

  test("one equality on the partition key, at most one sort condition", () => {
    throwsValidation(
      () => key.and(key.eq("pk", 1), key.eq("pk", 2)),
      "key.and",
      /second condition on the partition key "pk"/,
    );
    throwsValidation(
      () => key.and(key.eq("pk", 1), key.lt("pk", 2)),
      "key.and",
      /second condition on the partition key "pk"/,
    );
    throwsValidation(
      () => key.and(key.lt("pk", 1), key.gt("sk", 2)),
      "key.and",
      /partition key needs an equality/,
    );
    throwsValidation(
      () => key.and(key.eq("pk", 1), key.lt("sk", 1), key.gt("sk", 0)),
      "key.and",
      /two conditions on the sort key "sk"/,
    );
    throwsValidation(
      () => key.and(key.eq("pk", 1), key.lt("sk", 1), key.gt("other", 0)),
      "key.and",
      /3 conditions/,
    );
    throwsValidation(() => key.and(), "key.and", /at least one/);
  });

  test("key values are strings, numbers or binaries", () => {
    throwsValidation(
      () => key.eq("pk", true),
      "key.eq",
      /value for key "pk" must be S or N or B, got BOOL/,
    );
    throwsValidation(() => key.eq("pk", undefined), "key.eq", /undefined/);
    throwsValidation(() => key.lt("sk", Number.NaN), "key.lt", /NaN/);
    throwsValidation(
      () => key.beginsWith("sk", 1),
      "key.beginsWith",
      /prefix for key "sk" must be S or B/,
    );
    throwsValidation(() => key.between("sk", 1, "a"), "key.between", /same type/);
    throwsValidation(() => key.between("sk", 9, 1), "key.between", /lower bound is greater/);
    throwsValidation(() => key.eq("", 1), "key.eq", /non-empty string/);
  });
});

describe("update expressions", () => {
  test("each action", () => {
    const cases: [ReturnType<typeof update.set>, string][] = [
      [update.set("a", 1), "SET #n0 = :v0"],
      [update.set("a.b[1]", attr("c")), "SET #n0.#n1[1] = #n2"],
      [update.setIfNotExists("a", 1), "SET #n0 = if_not_exists(#n0, :v0)"],
      [update.add("a", 2), "ADD #n0 :v0"],
      [update.add("a", new Set(["x"])), "ADD #n0 :v0"],
      [update.remove("a[3]"), "REMOVE #n0[3]"],
      [update.delete("a", new Set([1])), "DELETE #n0 :v0"],
      [update.append("a", [1]), "SET #n0 = list_append(if_not_exists(#n0, :v0), :v1)"],
      [update.prepend("a", [1]), "SET #n0 = list_append(:v0, if_not_exists(#n0, :v1))"],
      [update.increment("a"), "SET #n0 = if_not_exists(#n0, :v0) + :v1"],
      [update.decrement("a", 5), "SET #n0 = if_not_exists(#n0, :v0) - :v1"],
    ];
    for (const [action, expected] of cases) {
      assert.equal(renderUpdate([action], new ExpressionAttributes()), expected);
    }
  });

  test("grouped into one expression: SET, REMOVE, ADD, DELETE", () => {
    const ctx = new ExpressionAttributes();
    const expression = renderUpdate(
      [
        update.delete("tags", new Set(["old"])),
        update.set("name", "x"),
        update.remove("status"),
        update.add("count", 1),
        update.increment("visits"),
        update.remove("data.timestamp"),
      ],
      ctx,
    );
    assert.equal(
      expression,
      "SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1) + :v2 REMOVE #n2, #n3.#n4 ADD #n5 :v3 DELETE #n6 :v4",
    );
    assert.deepEqual(ctx.toInput(), {
      ExpressionAttributeNames: {
        "#n0": "name",
        "#n1": "visits",
        "#n2": "status",
        "#n3": "data",
        "#n4": "timestamp",
        "#n5": "count",
        "#n6": "tags",
      },
      ExpressionAttributeValues: {
        ":v0": { S: "x" },
        ":v1": { N: "0" },
        ":v2": { N: "1" },
        ":v3": { N: "1" },
        ":v4": { SS: ["old"] },
      },
    });
  });

  test("siblings and distinct list elements do not overlap", () => {
    const ctx = new ExpressionAttributes();
    assert.equal(
      renderUpdate(
        [update.set("a.b", 1), update.remove("a.c"), update.set("l[0]", 1), update.remove("l[1]")],
        ctx,
      ),
      "SET #n0.#n1 = :v0, #n2[0] = :v1 REMOVE #n0.#n3, #n2[1]",
    );
  });

  test("rejects an empty list, non-actions, and same or overlapping paths", () => {
    const ctx = new ExpressionAttributes();
    throwsValidation(() => renderUpdate([], ctx), "update", /no update actions/);
    throwsValidation(
      () => renderUpdate([cond.eq("a", 1) as never], ctx),
      "update",
      /action 1 is not an update action/,
    );
    throwsValidation(
      () => renderUpdate([update.set("a", 1), update.add("a", 1)], ctx),
      "update",
      /two actions on "a" \(update.set and update.add\)/,
    );
    throwsValidation(
      () => renderUpdate([update.set("a", {}), update.set("a.b", 1)], ctx),
      "update",
      /update.set on "a" and update.set on "a.b" overlap/,
    );
    throwsValidation(
      () => renderUpdate([update.remove("l[0].x"), update.append("l", [1])], ctx),
      "update",
      /overlap/,
    );
    throwsValidation(
      () =>
        renderUpdate([update.add("s", new Set(["a"])), update.delete("s", new Set(["b"]))], ctx),
      "update",
      /two actions on "s"/,
    );
  });

  test("validates action values", () => {
    throwsValidation(() => update.set("a", undefined), "update.set", /undefined/);
    throwsValidation(() => update.set("a", size("b")), "update.set", /size\(\) cannot be used/);
    throwsValidation(
      () => update.setIfNotExists("a", attr("b")),
      "update.setIfNotExists",
      /not attr/,
    );
    throwsValidation(
      () => update.add("a", "1" as never),
      "update.add",
      /must be a number or a Set, got string/,
    );
    throwsValidation(() => update.add("a", [1] as never), "update.add", /got an array/);
    throwsValidation(() => update.add("a", Number.NaN), "update.add", /NaN/);
    throwsValidation(() => update.add("a", new Set()), "update.add", /cannot be encoded/);
    throwsValidation(() => update.add("a", new Set([true])), "update.add", /./);
    throwsValidation(
      () => update.delete("a", ["x"] as never),
      "update.delete",
      /must be a Set, got an array/,
    );
    throwsValidation(() => update.delete("a", new Set()), "update.delete", /cannot be encoded/);
    throwsValidation(() => update.append("a", 1 as never), "update.append", /must be an array/);
    throwsValidation(
      () => update.prepend("a", null as never),
      "update.prepend",
      /must be an array.*null/,
    );
    throwsValidation(() => update.increment("a", Infinity), "update.increment", /Infinity/);
    throwsValidation(
      () => update.decrement("a", "1" as never),
      "update.decrement",
      /must be a number/,
    );
    throwsValidation(() => update.remove("a]"), "a]", /unbalanced bracket/);
  });
});

describe("projections", () => {
  test("renders paths, sharing names with the rest of the input", () => {
    const ctx = new ExpressionAttributes();
    const filter = cond.eq("status", "x").render(ctx);
    const projection = renderProjection(["name", "status", "data.items[0]", ["a.b"]], ctx);
    assert.equal(filter, "#n0 = :v0");
    assert.equal(projection, "#n1, #n0, #n2.#n3[0], #n4");
    assert.deepEqual(ctx.toInput().ExpressionAttributeNames, {
      "#n0": "status",
      "#n1": "name",
      "#n2": "data",
      "#n3": "items",
      "#n4": "a.b",
    });
  });
  test("a path given twice is rendered once", () => {
    assert.equal(renderProjection(["a", "b", "a"], new ExpressionAttributes()), "#n0, #n1");
  });
  test("rejects no paths and overlapping paths", () => {
    const ctx = new ExpressionAttributes();
    throwsValidation(() => renderProjection([], ctx), "projection", /no paths/);
    throwsValidation(
      () => renderProjection(["a", "a.b"], ctx),
      "projection",
      /"a" and "a.b" overlap; project only "a"/,
    );
    throwsValidation(() => renderProjection(["l[0].x", "l[0]"], ctx), "projection", /overlap/);
    throwsValidation(() => renderProjection(["a[x]"], ctx), "a[x]", /malformed/);
  });
});

describe("one allocator per input", () => {
  test("condition, key condition, projection and update share placeholders", () => {
    const ctx = new ExpressionAttributes();
    const KeyConditionExpression = key.and(key.eq("pk", "p"), key.gt("sk", 1)).render(ctx);
    const FilterExpression = cond.and(cond.eq("status", "open"), cond.gt("sk", 0)).render(ctx);
    const ProjectionExpression = renderProjection(["status", "pk"], ctx);
    assert.equal(KeyConditionExpression, "#n0 = :v0 AND #n1 > :v1");
    assert.equal(FilterExpression, "#n2 = :v2 AND #n1 > :v3");
    assert.equal(ProjectionExpression, "#n2, #n0");
    assert.equal(Object.keys(ctx.toInput().ExpressionAttributeNames!).length, 3);
    assert.equal(Object.keys(ctx.toInput().ExpressionAttributeValues!).length, 4);
  });
});

test("type guards", () => {
  assert.ok(isCondition(cond.eq("a", 1)));
  assert.ok(isCondition(size("a").gt(1)));
  assert.ok(!isCondition(key.eq("a", 1)));
  assert.ok(!isCondition({ kind: "condition" }));
  assert.ok(!isCondition(null));
  assert.ok(isKeyCondition(key.eq("a", 1)));
  assert.ok(!isKeyCondition(cond.eq("a", 1)));
  assert.ok(isUpdateAction(update.remove("a")));
  assert.ok(!isUpdateAction({ kind: "update", clause: "UPSERT", render: () => "" }));
  assert.ok(!isUpdateAction("SET a = b"));
});
