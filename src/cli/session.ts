/**
 * The session a command runs with: the SDK's own providers for credentials, region and profile
 * (as the AWS CLI takes them: flags, environment, ~/.aws files); an endpoint on this machine
 * without configured credentials gets DynamoDB Local's placeholder ones. Data-plane requests go
 * through the direct transport (the SDK path when the client's settings need it).
 * @module
 */
import { Dyno } from "../index.js";
import { UsageError, stringFlag, type Command } from "./args.js";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** A session for the command's `--endpoint`, `--region` and `--profile`. */
export function sessionFor(command: Command): Dyno {
  const endpoint = stringFlag(command.values, "endpoint");
  const region = stringFlag(command.values, "region");
  const profile = stringFlag(command.values, "profile");
  let url: URL | undefined;
  if (endpoint !== undefined) {
    try {
      url = new URL(endpoint);
    } catch {
      throw new UsageError(`--endpoint: not a URL: ${JSON.stringify(endpoint)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new UsageError(
        `--endpoint: expected an http or https URL, got ${JSON.stringify(endpoint)}`,
      );
    }
  }
  const local =
    url !== undefined &&
    LOOPBACK.has(url.hostname) &&
    profile === undefined &&
    !process.env.AWS_ACCESS_KEY_ID &&
    !process.env.AWS_PROFILE;
  // The direct transport reads answers itself: an attribute named `__proto__` is kept (the SDK's
  // deserializer drops it from what a scan or export returns), and each request costs less CPU.
  return new Dyno({
    transport: "direct",
    clientConfig: {
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(region !== undefined
        ? { region }
        : local
          ? { region: process.env.AWS_REGION ?? "local" }
          : {}),
      ...(profile !== undefined ? { profile } : {}),
      ...(local ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    },
  });
}
