/**
 * Key templates without a database: parsing errors, and property tests that the encodings
 * sort as their values sort (numbers in every notation and magnitude, bigints, dates from
 * year 0 to 9999) and that no string value, whatever it holds (separators, `%`, NULs,
 * astral characters, Object.prototype names), can produce the key of another value.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeValue, escapeString, parseTemplate } from "../../src/entity/template.js";
import { codes, oddUnits, rawCompare } from "./odd-strings.js";

const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const none = new Set<string>();

describe("encodings sort as their values", () => {
  test("numbers", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (a, b) => {
          const ea = encodeValue("number", a, none, "x");
          const eb = encodeValue("number", b, none, "x");
          assert.equal(ea.length, 16);
          assert.equal(sign(utf8(ea, eb)), a === b ? 0 : sign(a - b), `${a} vs ${b}`);
        },
      ),
      { numRuns: 5000 },
    );
    assert.equal(encodeValue("number", -0, none, "x"), encodeValue("number", 0, none, "x"));
    assert.throws(
      () => encodeValue("number", Infinity, none, "k.v"),
      /k.v: a key number must be finite/,
    );
  });

  test("bigints", () => {
    const big = fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n });
    fc.assert(
      fc.property(big, big, (a, b) => {
        const ea = encodeValue("bigint", a, none, "x");
        const eb = encodeValue("bigint", b, none, "x");
        assert.equal(ea.length, 39);
        assert.equal(sign(utf8(ea, eb)), a === b ? 0 : a < b ? -1 : 1);
      }),
    );
    assert.throws(() => encodeValue("bigint", 10n ** 38n, none, "x"), /38 digits/);
  });

  test("dates from year 0 to 9999", () => {
    const date = fc.date({
      min: new Date("0000-01-01T00:00:00.000Z"),
      max: new Date("9999-12-31T23:59:59.999Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(date, date, (a, b) => {
        const ea = encodeValue("date", a, none, "x");
        const eb = encodeValue("date", b, none, "x");
        assert.equal(ea.length, 24);
        assert.equal(sign(utf8(ea, eb)), sign(a.getTime() - b.getTime()));
      }),
    );
    assert.throws(
      () => encodeValue("date", new Date("+010000-01-01T00:00:00Z"), none, "x"),
      /years 0 to 9999/,
    );
    assert.throws(
      () => encodeValue("date", new Date(-62198755200001), none, "x"),
      /years 0 to 9999/,
    );
  });
});

describe("strings", () => {
  const tricky = fc.string({
    unit: fc.constantFrom(
      "#",
      "%",
      "\u0000",
      "a",
      "b",
      "$",
      " ",
      "|",
      "\u{10FFFF}",
      "é",
      "\u{1F600}",
      "2",
      "3",
    ),
  });
  const t = parseTemplate("A#{x}|{y}", "key");

  test("escaping is injective and never yields a separator", () => {
    fc.assert(
      fc.property(tricky, tricky, (a, b) => {
        const ea = escapeString(a, t.escaped);
        const eb = escapeString(b, t.escaped);
        assert.equal(ea === eb, a === b);
        assert.ok(![..."#|$ \u0000"].some((c) => ea.includes(c)), ea);
      }),
      { numRuns: 3000 },
    );
    for (const name of ["__proto__", "constructor", "toString"])
      assert.equal(escapeString(name, t.escaped), name);
  });

  test("two values of a template give the same key only when they are equal", () => {
    const key = (x: string, y: string) =>
      `A#${escapeString(x, t.escaped)}|${escapeString(y, t.escaped)}`;
    fc.assert(
      fc.property(tricky, tricky, tricky, tricky, (a, b, c, d) => {
        assert.equal(key(a, b) === key(c, d), a === c && b === d);
      }),
      { numRuns: 3000 },
    );
  });

  test("escaping keeps order and prefixes where the separator sorts below the value's characters", () => {
    const plain = fc.string({ unit: fc.constantFrom("a", "b", "#", "!", "%", "z", "\u0001") });
    const esc = parseTemplate("U#{x}#{y}", "key").escaped;
    fc.assert(
      fc.property(plain, plain, (a, b) => {
        const ea = escapeString(a, esc);
        const eb = escapeString(b, esc);
        assert.equal(
          sign(utf8(ea, eb)),
          sign(utf8(a, b)),
          `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
        );
        if (b.startsWith(a)) assert.ok(eb.startsWith(ea));
        // A shorter value followed by the separator sorts before a longer one: "a#..." < "ab#...".
        if (b.startsWith(a) && b !== a) assert.ok(utf8(`${ea}#`, eb) < 0);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("strings with every kind of character (stop 24 review)", () => {
  const str = fc.array(fc.constantFrom(...oddUnits), { maxLength: 6 }).map((a) => a.join(""));
  const t = parseTemplate("A#{x}|{y}", "key");

  test("escaping is injective, well-formed (lone surrogates too), and never yields a separator", () => {
    fc.assert(
      fc.property(str, str, (a, b) => {
        const ea = escapeString(a, t.escaped);
        const eb = escapeString(b, t.escaped);
        assert.equal(ea === eb, a === b, `${JSON.stringify(a)} ${JSON.stringify(b)}`);
        assert.equal(Buffer.from(ea).toString(), ea, "not well-formed UTF-16");
        assert.ok(![..."#|"].some((c) => ea.includes(c)), ea);
      }),
      { numRuns: 5000 },
    );
    assert.notEqual(escapeString("\uD800", none), escapeString("\uDC00", none));
    assert.notEqual(escapeString("\uD800", none), escapeString("\uFFFD", none));
  });

  test("encoded values sort as the raw values (UTF-8 byte order), prefixes kept", () => {
    for (const esc of [t.escaped, parseTemplate("U#{x}", "k").escaped, none]) {
      fc.assert(
        fc.property(str, str, (a, b) => {
          const ea = escapeString(a, esc);
          const eb = escapeString(b, esc);
          assert.equal(
            sign(utf8(ea, eb)),
            rawCompare(a, b),
            `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
          );
          const prefix = codes(a).every((c, i) => codes(b)[i] === c);
          if (prefix) assert.ok(eb.startsWith(ea), "a prefix's encoding is a prefix");
        }),
        { numRuns: 3000 },
      );
    }
  });

  test("keys of a template sort as their values where a separator below % follows", () => {
    const k = parseTemplate("U#{x}#{y}", "k");
    const key = (x: string, y: string) =>
      `U#${escapeString(x, k.escaped)}#${escapeString(y, k.escaped)}`;
    fc.assert(
      fc.property(str, str, str, str, (a, b, c, d) => {
        const raw = rawCompare(a, c) || rawCompare(b, d);
        assert.equal(sign(utf8(key(a, b), key(c, d))), raw);
      }),
      { numRuns: 5000 },
    );
  });

  test("% and U+10FFFF and lone surrogates cannot be template text", () => {
    assert.throws(() => parseTemplate("A%{x}", "key.sortKey"), /key.sortKey: .*holds "%"/);
    assert.throws(() => parseTemplate("A\u{10FFFF}{x}", "k"), /U\+10FFFF/);
    assert.throws(() => parseTemplate("A#{x}\uD800", "k"), /U\+D800/);
  });
});

describe("parsing", () => {
  test("templates and their errors", () => {
    assert.deepEqual(parseTemplate("ORG#{org}#USER#{id}", "k").props, ["org", "id"]);
    assert.deepEqual(parseTemplate("USER", "k").props, []);
    assert.throws(() => parseTemplate("A#{x", "key.sortKey"), /key.sortKey: unclosed/);
    assert.throws(() => parseTemplate("A#x}", "k"), /closes no placeholder/);
    assert.throws(() => parseTemplate("A#{}", "k"), /expected \{property\}/);
    assert.throws(() => parseTemplate("{x}{y}", "k"), /separator/);
    assert.throws(() => parseTemplate("{x}AB{y}", "k"), /separator/);
    assert.throws(() => parseTemplate("{x}#{x}", "k"), /appears twice/);
    assert.throws(() => parseTemplate("", "k"), /template string/);
  });
});
