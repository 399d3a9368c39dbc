/**
 * Credentials for the lean session without loading the SDK: the ones given, the environment's
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, as in Lambda), or the
 * container credentials endpoint (ECS, EKS Pod Identity, Lambda SnapStart). Whenever the SDK's
 * default chain could pick something else (a profile, shared config files, web identity, the
 * instance metadata service), the plan says "sdk" and the session loads the SDK's own chain.
 * The rules and the endpoint's protocol are the SDK's (`@aws-sdk/credential-provider-node`,
 * `-env`, `-http`), so the same process gets the same credentials either way.
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";
import { nodeHttp, nodeHttps } from "../transport/builtins.js";

/** AWS credentials, as the SDK's providers give them. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When they stop working; absent for long-term credentials. */
  readonly expiration?: Date;
  /** The account they belong to, when the source says (used for account-based endpoints). */
  readonly accountId?: string;
  readonly credentialScope?: string;
}

/** A function that gives credentials, as the SDK's `credentials` option takes it. */
export type CredentialProvider = () => Promise<Credentials>;

/** Where a lean session's credentials come from. */
export type CredentialPlan =
  | { readonly source: "options" | "env" | "container"; readonly provider: CredentialProvider }
  | { readonly source: "sdk"; readonly reason: string };

/** The SDK refreshes memoized credentials that expire within five minutes. */
export const REFRESH_BEFORE_MS = 300_000;

/**
 * Decides where credentials come from, in the SDK default chain's order, without loading it.
 * @param given the session's `credentials` option, if any.
 */
export function planCredentials(
  given: Credentials | CredentialProvider | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CredentialPlan {
  if (given !== undefined) {
    if (typeof given === "function") return { source: "options", provider: memoize(given) };
    checkCredentials(given, "credentials");
    return { source: "options", provider: () => Promise.resolve(given) };
  }
  if (env.AWS_PROFILE) {
    return { source: "sdk", reason: "AWS_PROFILE is set: the SDK reads that profile" };
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { source: "env", provider: memoize(() => Promise.resolve(environmentCredentials(env))) };
  }
  const container =
    env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!container) {
    return {
      source: "sdk",
      reason: "no credentials in the environment or from a container endpoint",
    };
  }
  // The SDK tries shared files and web identity before the container endpoint.
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) {
    return {
      source: "sdk",
      reason: "AWS_WEB_IDENTITY_TOKEN_FILE is set: the SDK assumes that role",
    };
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  for (const file of [
    env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE || join(home, ".aws", "config"),
  ]) {
    if (existsSync(file))
      return { source: "sdk", reason: `${file} exists: the SDK reads it first` };
  }
  let provider: CredentialProvider;
  try {
    provider = memoize(containerProvider(env));
  } catch (e) {
    provider = () => Promise.reject(e); // as the SDK: a bad endpoint fails the first request
  }
  return { source: "container", provider };
}

/** The environment's credentials, as `fromEnv` reads them. */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  const expiry = env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
    ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
    ...(expiry && { expiration: new Date(expiry) }),
    ...(env.AWS_CREDENTIAL_SCOPE && { credentialScope: env.AWS_CREDENTIAL_SCOPE }),
    ...(env.AWS_ACCOUNT_ID && { accountId: env.AWS_ACCOUNT_ID }),
  };
}

/**
 * A provider that keeps the credentials it got until they expire within {@link REFRESH_BEFORE_MS};
 * callers at the same time share one request; a failure is not kept.
 */
export function memoize(provider: CredentialProvider): CredentialProvider {
  let current: Credentials | undefined;
  let pending: Promise<Credentials> | undefined;
  return () => {
    if (current && !expiresSoon(current)) return Promise.resolve(current);
    pending ??= provider().then(
      (c) => {
        pending = undefined;
        checkCredentials(c, "the credential provider's result");
        current = c;
        return c;
      },
      (e: unknown) => {
        pending = undefined;
        throw e;
      },
    );
    return pending;
  };
}

const expiresSoon = (c: Credentials): boolean =>
  c.expiration !== undefined && c.expiration.getTime() - Date.now() < REFRESH_BEFORE_MS;

function checkCredentials(c: unknown, where: string): asserts c is Credentials {
  const x = c as Partial<Credentials> | null;
  if (!x || typeof x.accessKeyId !== "string" || typeof x.secretAccessKey !== "string") {
    throw new TypeError(`${where}: expected { accessKeyId, secretAccessKey, sessionToken? }`);
  }
}

/** Why the container endpoint cannot be used: a message as the SDK's. */
export class ContainerCredentialsError extends Error {
  override name = "CredentialsProviderError";
}

const ECS_HOST = "169.254.170.2";
const ALLOWED_HOSTS = new Set([ECS_HOST, "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]", "[0000:0000:0000:0000:0000:0000:0000:0001]"]); // prettier-ignore

/** The container endpoint's URL, checked as the SDK checks it (HTTPS, or a loopback/link-local host). */
export function containerUrl(env: NodeJS.ProcessEnv): URL {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const text = relative ? `http://${ECS_HOST}${relative}` : env.AWS_CONTAINER_CREDENTIALS_FULL_URI!;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const name = relative
      ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
      : "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    throw new ContainerCredentialsError(
      `${name} does not make a valid URL: ${JSON.stringify(text)}`,
    );
  }
  if (url.protocol === "https:" || ALLOWED_HOSTS.has(url.hostname)) return url;
  const parts = url.hostname.split(".");
  const octet = (p: string | undefined) => p !== undefined && /^\d+$/.test(p) && Number(p) <= 255;
  if (parts.length === 4 && parts[0] === "127" && parts.slice(1).every(octet)) return url;
  throw new ContainerCredentialsError(
    `URL not accepted (${url.hostname}). It must either be HTTPS or match one of: loopback CIDR 127.0.0.0/8 or [::1/128], ECS container host 169.254.170.2, EKS container host 169.254.170.23 or [fd00:ec2::23]`,
  );
}

/**
 * The container endpoint's credentials, read as the SDK's `fromHttp` reads them: a GET with the
 * authorization token (from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read on every request, or
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN`), 1 s timeout, 3 retries 1 s apart.
 */
export function containerProvider(
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; retries?: number; retryDelayMs?: number } = {},
): CredentialProvider {
  const url = containerUrl(env);
  const timeoutMs = options.timeoutMs ?? 1000;
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? timeoutMs;
  const once = async (): Promise<Credentials> => {
    let token: string | undefined;
    if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {
      const file = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
      // one final line break, as `echo` writes a file, is not part of the token
      token = (await readFile(file)).toString().replace(/(?<!\r)\n$/, "");
      if (/[\r\n\0]/.test(token))
        throw new ContainerCredentialsError(
          `the authorization token in ${file} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) holds a line break or NUL`,
        );
    } else if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN) {
      token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    }
    if (token?.includes("\r\n")) {
      throw new ContainerCredentialsError("Authorization token contains invalid \\r\\n sequence.");
    }
    const { status, body } = await get(url, token, timeoutMs);
    return credentialsOf(status, body);
  };
  return async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once();
      } catch (e) {
        if (attempt >= retries) {
          throw e instanceof ContainerCredentialsError
            ? e
            : new ContainerCredentialsError(String(e), { cause: e });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
}

function credentialsOf(status: number, body: string): Credentials {
  if (status === 200) {
    const p = JSON.parse(body) as Record<string, unknown>;
    // `AccountId` is not read, as the SDK's HTTP credential provider does not read it: the
    // request goes to the regional endpoint, not an account-ID endpoint, as the SDK's would
    const { AccessKeyId, SecretAccessKey, Token, Expiration } = p;
    if (
      typeof AccessKeyId !== "string" ||
      typeof SecretAccessKey !== "string" ||
      typeof Token !== "string" ||
      typeof Expiration !== "string" ||
      Number.isNaN(Date.parse(Expiration))
    ) {
      throw new ContainerCredentialsError(
        "HTTP credential provider response not of the required format, an object matching: { AccessKeyId: string, SecretAccessKey: string, Token: string, Expiration: string(rfc3339) }",
      );
    }
    return {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      sessionToken: Token,
      expiration: new Date(Expiration),
    };
  }
  let detail = "";
  try {
    const p = JSON.parse(body) as { Code?: unknown; Message?: unknown };
    if (p.Code || p.Message) detail = ` (${String(p.Code ?? "")}: ${String(p.Message ?? "")})`;
  } catch {
    // not JSON: the status says enough
  }
  throw new ContainerCredentialsError(`Server responded with status: ${status}${detail}`);
}

/** One GET with a deadline over connecting and the whole response. */
async function get(
  url: URL,
  token: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const send = (url.protocol === "https:" ? nodeHttps() : nodeHttp()).request;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: "GET",
      headers: token ? { Authorization: token } : {},
      agent: false,
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer from ${url.host} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.once("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("error", reject);
      res.once("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end();
  });
}
