import { spawnSync } from "node:child_process";

/** The major version of the `java` on the PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  const probe = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return undefined;
  // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major; // "1.8.0" is Java 8
}
