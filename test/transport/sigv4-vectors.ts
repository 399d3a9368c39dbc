/**
 * The vectors of AWS's Signature Version 4 test suite (aws-sig-v4-test-suite) that apply to
 * requests without a query string: the request and the `Authorization` header AWS published.
 * Header names are given in lower case (canonical form); values keep their case and spaces.
 */
export const suite = {
  region: "us-east-1",
  service: "service",
  date: new Date("2015-08-30T12:36:00Z"),
  credentials: {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  },
  stsToken:
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
};

/** One vector: name, request, whether it uses the STS token, and the expected header. */
export interface Vector {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  sts?: boolean;
  authorization: string;
}

const host = { host: "example.amazonaws.com" };
const prefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

export const vectors: Vector[] = [
  {
    name: "post-vanilla",
    method: "POST",
    path: "/",
    headers: host,
    body: "",
    authorization: `${prefix}SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`,
  },
  {
    name: "post-header-key-sort",
    method: "POST",
    path: "/",
    headers: { ...host, "my-header1": "value1" },
    body: "",
    authorization: `${prefix}SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c`,
  },
  {
    name: "post-header-value-case",
    method: "POST",
    path: "/",
    headers: { ...host, "my-header1": "VALUE1" },
    body: "",
    authorization: `${prefix}SignedHeaders=host;my-header1;x-amz-date, Signature=cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d`,
  },
  {
    name: "post-sts-header-before",
    method: "POST",
    path: "/",
    headers: host,
    body: "",
    sts: true,
    authorization: `${prefix}SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead`,
  },
  {
    name: "post-x-www-form-urlencoded",
    method: "POST",
    path: "/",
    headers: { "content-type": "application/x-www-form-urlencoded", ...host },
    body: "Param1=value1",
    authorization: `${prefix}SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a`,
  },
  {
    name: "get-header-value-trim",
    method: "GET",
    path: "/",
    headers: { ...host, "my-header1": " value1", "my-header2": ' "a   b   c"' },
    body: "",
    authorization: `${prefix}SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736`,
  },
  {
    name: "get-unreserved",
    method: "GET",
    path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    headers: host,
    body: "",
    authorization: `${prefix}SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f`,
  },
  {
    name: "normalize-path/get-slash-dot-slash",
    method: "GET",
    path: "/./",
    headers: host,
    body: "",
    authorization: `${prefix}SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
  },
  {
    name: "normalize-path/get-space",
    method: "GET",
    path: "/example space/",
    headers: host,
    body: "",
    authorization: `${prefix}SignedHeaders=host;x-amz-date, Signature=652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741`,
  },
];
