/**
 * Encoding benchmark: items per second, marshal and unmarshal, on two deterministic item
 * shapes, for `@aws-sdk/util-dynamodb`, `@aws/dynamodb-auto-marshaller`, dyno-ts without a
 * schema, dyno-ts with a compiled schema (generated code, and interpreted), and a
 * hand-written function specialised to each shape (the ceiling). All in one process,
 * contenders alternated round by round; the median round is reported. Rates are items per
 * second of this process's CPU time, which other load on the machine disturbs least.
 *
 *   npx tsx bench/encoding.ts            (or: npm run bench:encoding)
 *   ROUNDS=15 MS=200 npx tsx bench/encoding.ts
 *   ONLY=compiled,hand SHAPES=list,large npx tsx bench/encoding.ts   (a subset)
 */
import { deepStrictEqual } from "node:assert/strict";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { Marshaller } from "@aws/dynamodb-auto-marshaller";
import { marshalItem, s, unmarshalItem } from "../src/encoding/index.js";

type Item = Record<string, AttributeValue>;
type AVMap = Record<string, AttributeValue>;

// ---------------------------------------------------------------- deterministic data

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(42);
const int = (n: number) => Math.floor(rnd() * n);
const word = (len: number) =>
  Array.from({ length: len }, () => String.fromCharCode(97 + int(26))).join("");
const N = 1000;

const Small = s.object({
  pk: s.string(),
  sk: s.string(),
  name: s.string(),
  age: s.number(),
  active: s.boolean(),
  score: s.number(),
});
type Small = s.Infer<typeof Small>;

const Line = s.object({
  sku: s.string(),
  title: s.string(),
  qty: s.number(),
  price: s.number(),
  note: s.string().nullable(),
  gift: s.boolean(),
});
const Large = s.object({
  pk: s.string(),
  sk: s.string(),
  name: s.string(),
  email: s.string(),
  createdAt: s.date(),
  updatedAt: s.date(),
  deletedAt: s.date().nullable(),
  version: s.number(),
  tags: s.stringSet(),
  profile: s.object({
    bio: s.string(),
    address: s.object({
      street: s.string(),
      city: s.string(),
      zip: s.string(),
      country: s.string(),
    }),
    prefs: s.object({
      theme: s.string(),
      lang: s.string(),
      newsletter: s.boolean(),
      manager: s.string().nullable(),
    }),
  }),
  lines: s.list(Line),
  counters: s.object({ views: s.number(), likes: s.number(), shares: s.number() }),
});
type Large = s.Infer<typeof Large>;

/** Issue 11's shape: a list of 10 small objects (in an item of its own). */
const Line4 = s.object({ sku: s.string(), qty: s.number(), price: s.number(), title: s.string() });
const Lines = s.object({ lines: s.list(Line4) });
type Lines = s.Infer<typeof Lines>;

const small: Small[] = Array.from({ length: N }, (_, i) => ({
  pk: `user#${String(i).padStart(6, "0")}`,
  sk: "profile",
  name: `${word(5)} ${word(7)}`,
  age: 18 + int(60),
  active: rnd() < 0.5,
  score: Math.round(rnd() * 10000) / 100,
}));

const large: Large[] = Array.from({ length: N }, (_, i) => ({
  pk: `customer#${String(i).padStart(6, "0")}`,
  sk: `order#${String(int(1e6)).padStart(7, "0")}`,
  name: `${word(6)} ${word(9)}`,
  email: `${word(8)}@${word(6)}.example.com`,
  createdAt: new Date(1_600_000_000_000 + int(1e11)),
  updatedAt: new Date(1_700_000_000_000 + int(1e10)),
  deletedAt: null,
  version: int(100),
  tags: new Set([word(5), word(6), word(4), word(7)]),
  profile: {
    bio: word(150),
    address: {
      street: `${int(999)} ${word(8)} street`,
      city: word(9),
      zip: String(10000 + int(89999)),
      country: "DE",
    },
    prefs: { theme: "dark", lang: "en", newsletter: rnd() < 0.5, manager: null },
  },
  lines: Array.from({ length: 10 }, () => ({
    sku: `SKU-${word(3).toUpperCase()}-${int(99999)}`,
    title: `${word(6)} ${word(8)}`,
    qty: 1 + int(9),
    price: Math.round(rnd() * 100000) / 100,
    note: rnd() < 0.5 ? null : word(12),
    gift: rnd() < 0.2,
  })),
  counters: { views: int(1e6), likes: int(1e4), shares: int(1e3) },
}));

const lists: Lines[] = Array.from({ length: N }, () => ({
  lines: Array.from({ length: 10 }, () => ({
    sku: `SKU-${word(3).toUpperCase()}-${int(99999)}`,
    qty: 1 + int(9),
    price: Math.round(rnd() * 100000) / 100,
    title: `${word(6)} ${word(8)}`,
  })),
}));

/** The peers cannot store a Date losslessly: they get the same items with ISO strings. */
const withIsoDates = (x: Large) => ({
  ...x,
  createdAt: x.createdAt.toISOString(),
  updatedAt: x.updatedAt.toISOString(),
  deletedAt: null,
});
const largePlain = large.map(withIsoDates);

// ---------------------------------------------------------------- hand-written ceilings

function handSmall(x: Small): Item {
  return {
    pk: { S: x.pk },
    sk: { S: x.sk },
    name: { S: x.name },
    age: { N: String(x.age) },
    active: { BOOL: x.active },
    score: { N: String(x.score) },
  };
}
function handSmallBack(m: Item): Small {
  return {
    pk: m.pk.S!,
    sk: m.sk.S!,
    name: m.name.S!,
    age: Number(m.age.N),
    active: m.active.BOOL!,
    score: Number(m.score.N),
  };
}
function handLines(x: Lines): Item {
  const n = x.lines.length;
  const out: AttributeValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const l = x.lines[i];
    out[i] = {
      M: {
        sku: { S: l.sku },
        qty: { N: String(l.qty) },
        price: { N: String(l.price) },
        title: { S: l.title },
      },
    };
  }
  return { lines: { L: out } };
}
function handLinesBack(m: Item): Lines {
  const L = m.lines.L!;
  const lines: Lines["lines"] = new Array(L.length);
  for (let i = 0; i < L.length; i++) {
    const l = L[i].M as AVMap;
    lines[i] = { sku: l.sku.S!, qty: Number(l.qty.N), price: Number(l.price.N), title: l.title.S! };
  }
  return { lines };
}
function handLarge(x: Large): Item {
  const lines: AttributeValue[] = new Array(x.lines.length);
  for (let i = 0; i < x.lines.length; i++) {
    const l = x.lines[i];
    lines[i] = {
      M: {
        sku: { S: l.sku },
        title: { S: l.title },
        qty: { N: String(l.qty) },
        price: { N: String(l.price) },
        note: l.note === null ? { NULL: true } : { S: l.note },
        gift: { BOOL: l.gift },
      },
    };
  }
  const p = x.profile;
  return {
    pk: { S: x.pk },
    sk: { S: x.sk },
    name: { S: x.name },
    email: { S: x.email },
    createdAt: { S: x.createdAt.toISOString() },
    updatedAt: { S: x.updatedAt.toISOString() },
    deletedAt: x.deletedAt === null ? { NULL: true } : { S: x.deletedAt.toISOString() },
    version: { N: String(x.version) },
    tags: { SS: [...x.tags] },
    profile: {
      M: {
        bio: { S: p.bio },
        address: {
          M: {
            street: { S: p.address.street },
            city: { S: p.address.city },
            zip: { S: p.address.zip },
            country: { S: p.address.country },
          },
        },
        prefs: {
          M: {
            theme: { S: p.prefs.theme },
            lang: { S: p.prefs.lang },
            newsletter: { BOOL: p.prefs.newsletter },
            manager: p.prefs.manager === null ? { NULL: true } : { S: p.prefs.manager },
          },
        },
      },
    },
    lines: { L: lines },
    counters: {
      M: {
        views: { N: String(x.counters.views) },
        likes: { N: String(x.counters.likes) },
        shares: { N: String(x.counters.shares) },
      },
    },
  };
}
function handLargeBack(m: Item): Large {
  const L = m.lines.L!;
  const lines: Large["lines"] = new Array(L.length);
  for (let i = 0; i < L.length; i++) {
    const l = L[i].M as AVMap;
    lines[i] = {
      sku: l.sku.S!,
      title: l.title.S!,
      qty: Number(l.qty.N),
      price: Number(l.price.N),
      note: l.note.NULL ? null : l.note.S!,
      gift: l.gift.BOOL!,
    };
  }
  const p = m.profile.M as AVMap;
  const a = p.address.M as AVMap;
  const pr = p.prefs.M as AVMap;
  const c = m.counters.M as AVMap;
  return {
    pk: m.pk.S!,
    sk: m.sk.S!,
    name: m.name.S!,
    email: m.email.S!,
    createdAt: new Date(m.createdAt.S!),
    updatedAt: new Date(m.updatedAt.S!),
    deletedAt: m.deletedAt.NULL ? null : new Date(m.deletedAt.S!),
    version: Number(m.version.N),
    tags: new Set(m.tags.SS),
    profile: {
      bio: p.bio.S!,
      address: { street: a.street.S!, city: a.city.S!, zip: a.zip.S!, country: a.country.S! },
      prefs: {
        theme: pr.theme.S!,
        lang: pr.lang.S!,
        newsletter: pr.newsletter.BOOL!,
        manager: pr.manager.NULL ? null : pr.manager.S!,
      },
    },
    lines,
    counters: { views: Number(c.views.N), likes: Number(c.likes.N), shares: Number(c.shares.N) },
  };
}

// ---------------------------------------------------------------- harness

const auto = new Marshaller({ unwrapNumbers: true });
const interpreted = { codegen: false };

interface Contender {
  name: string;
  fn: (i: number) => unknown;
}

const ROUNDS = Number(process.env.ROUNDS ?? 11);
const MS = Number(process.env.MS ?? 150);
let sink: unknown;

/** CPU time of this process in microseconds (steadier than wall time on a shared machine). */
function cpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Runs `fn` over the items for about `ms` of CPU time, returns items per CPU-second. */
function measure(fn: (i: number) => unknown, ms: number): number {
  let count = 0;
  const start = cpu();
  const stop = start + ms * 1000;
  let now = start;
  while (now < stop) {
    // Ten passes between clock reads, so that reading the clock costs < 1%.
    for (let r = 0; r < 10; r++) for (let i = 0; i < N; i++) sink = fn(i);
    count += 10 * N;
    now = cpu();
  }
  return count / ((now - start) / 1e6);
}

const ONLY = process.env.ONLY?.split(",");

function run(title: string, all: Contender[]): Map<string, number> {
  const contenders = ONLY
    ? all.filter((c) => c.name === "util-dynamodb" || ONLY.some((o) => c.name.includes(o)))
    : all;
  for (const c of contenders) measure(c.fn, 300); // warm up
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) samples.get(c.name)!.push(measure(c.fn, MS));
  }
  const result = new Map<string, number>();
  for (const [name, xs] of samples) {
    xs.sort((a, b) => a - b);
    result.set(name, xs[xs.length >> 1]);
  }
  console.log(`\n${title}`);
  const base = result.get("util-dynamodb")!;
  for (const [name, v] of result)
    console.log(`  ${name.padEnd(26)} ${fmt(v).padStart(9)} items/s  ${(v / base).toFixed(2)}×`);
  return result;
}

function fmt(v: number): string {
  return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${(v / 1e3).toFixed(0)} k`;
}

// Sanity: every contender produces what the others do.
const smallAV = small.map((x) => marshalItem(x, Small));
const largeAV = large.map((x) => marshalItem(x, Large));
const listsAV = lists.map((x) => marshalItem(x, Lines));
for (let i = 0; i < 10; i++) {
  deepStrictEqual(largeAV[i], handLarge(large[i]));
  deepStrictEqual(marshalItem(largePlain[i]), largeAV[i]);
  deepStrictEqual(marshalItem(largePlain[i]), auto.marshallItem(largePlain[i] as never));
  deepStrictEqual(unmarshalItem(largeAV[i], Large), handLargeBack(largeAV[i]));
  deepStrictEqual(unmarshalItem(smallAV[i], Small), handSmallBack(smallAV[i]));
  deepStrictEqual(unmarshalItem(largeAV[i]), unmarshall(largeAV[i]));
  deepStrictEqual(listsAV[i], handLines(lists[i]));
  deepStrictEqual(unmarshalItem(listsAV[i], Lines), handLinesBack(listsAV[i]));
}

const results: { shape: string; dir: string; r: Map<string, number> }[] = [];
const shapes = [
  {
    shape: "small (~100 B)",
    plain: small as object[],
    typed: small as object[],
    av: smallAV,
    schema: Small,
    hand: handSmall,
    back: handSmallBack,
  },
  {
    shape: "list of 10 objects",
    plain: lists as object[],
    typed: lists as object[],
    av: listsAV,
    schema: Lines,
    hand: handLines,
    back: handLinesBack,
  },
  {
    shape: "large (~1.6 KB)",
    plain: largePlain as object[],
    typed: large as object[],
    av: largeAV,
    schema: Large,
    hand: handLarge,
    back: handLargeBack,
  },
] as const;
const SHAPES = process.env.SHAPES?.split(",");
for (const sh of shapes) {
  if (SHAPES && !SHAPES.some((x) => sh.shape.includes(x))) continue;
  const schema = sh.schema as typeof Small;
  const hand = sh.hand as (x: object) => Item;
  const back = sh.back as (m: Item) => object;
  console.log(
    `${sh.shape}: ${JSON.stringify(sh.av[0]).length} bytes of AttributeValue JSON, ${JSON.stringify(sh.plain[0]).length} bytes of plain JSON`,
  );
  results.push({
    shape: sh.shape,
    dir: "marshal",
    r: run(`${sh.shape} — marshal`, [
      { name: "util-dynamodb", fn: (i) => marshall(sh.plain[i], { removeUndefinedValues: true }) },
      { name: "auto-marshaller", fn: (i) => auto.marshallItem(sh.plain[i] as never) },
      { name: "dyno-ts schema-less", fn: (i) => marshalItem(sh.plain[i]) },
      { name: "dyno-ts compiled", fn: (i) => marshalItem(sh.typed[i] as Small, schema) },
      {
        name: "dyno-ts interpreted",
        fn: (i) => marshalItem(sh.typed[i] as Small, schema, interpreted),
      },
      { name: "hand-written", fn: (i) => hand(sh.typed[i]) },
    ]),
  });
  results.push({
    shape: sh.shape,
    dir: "unmarshal",
    r: run(`${sh.shape} — unmarshal`, [
      { name: "util-dynamodb", fn: (i) => unmarshall(sh.av[i]) },
      { name: "auto-marshaller", fn: (i) => auto.unmarshallItem(sh.av[i] as never) },
      { name: "dyno-ts schema-less", fn: (i) => unmarshalItem(sh.av[i]) },
      { name: "dyno-ts compiled", fn: (i) => unmarshalItem(sh.av[i], schema) },
      { name: "dyno-ts interpreted", fn: (i) => unmarshalItem(sh.av[i], schema, interpreted) },
      { name: "hand-written", fn: (i) => back(sh.av[i]) },
    ]),
  });
}
void sink;

// ---------------------------------------------------------------- summary

console.log(
  "\n| shape | direction | util-dynamodb | auto-marshaller | dyno-ts schema-less | dyno-ts compiled | dyno-ts interpreted | hand-written | schema-less / auto | compiled / hand |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const { shape, dir, r } of results) {
  const base = r.get("util-dynamodb")!;
  if (ONLY) continue;
  const cell = (k: string) => `${fmt(r.get(k)!)} (${(r.get(k)! / base).toFixed(1)}×)`;
  console.log(
    `| ${shape} | ${dir} | ${fmt(base)} | ${cell("auto-marshaller")} | ${cell("dyno-ts schema-less")} | ${cell("dyno-ts compiled")} | ${cell("dyno-ts interpreted")} | ${cell("hand-written")} | ` +
      `${(r.get("dyno-ts schema-less")! / r.get("auto-marshaller")!).toFixed(2)} | ${(r.get("dyno-ts compiled")! / r.get("hand-written")!).toFixed(2)} |`,
  );
}
