import { describe, expect, it } from "vitest";
import { awsEncode, signV4 } from "./sigv4";

describe("signV4", () => {
  it("reproduces the GET Object example of the AWS Signature Version 4 documentation", () => {
    const headers = signV4(
      { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1" },
      {
        method: "GET", url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"), headers: { Range: "bytes=0-9" },
        payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", now: new Date("2013-05-24T00:00:00Z"),
      },
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
      + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
      + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
  });

  it("encodes as RFC 3986 wants, keeping slashes in paths only", () => {
    expect(awsEncode("a b/c!*'()~", true)).toBe("a%20b/c%21%2A%27%28%29~");
    expect(awsEncode("a/b")).toBe("a%2Fb");
  });
});
