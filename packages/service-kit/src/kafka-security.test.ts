import { ConfigError } from "@gochat/config";
import { describe, expect, it } from "vitest";
import { kafkaSecurityFrom } from "./env";

describe("kafkaSecurityFrom", () => {
  it("gives nothing when nothing is configured", () => {
    expect(kafkaSecurityFrom({ KAFKA_SSL: false }, "svc")).toBeUndefined();
  });

  it("carries SASL credentials and TLS with a private CA", () => {
    expect(
      kafkaSecurityFrom(
        {
          KAFKA_SASL_MECHANISM: "scram-sha-512",
          KAFKA_SASL_USERNAME: "gochat",
          KAFKA_SASL_PASSWORD: "secret",
          KAFKA_SSL: true,
          KAFKA_SSL_CA_FILE: "/etc/gochat/ca.pem",
        },
        "svc",
      ),
    ).toEqual({
      sasl: { mechanism: "scram-sha-512", username: "gochat", password: "secret" },
      tls: { caFile: "/etc/gochat/ca.pem" },
    });
  });

  it("names the variable when SASL is half configured or a CA comes without TLS", () => {
    expect(() => kafkaSecurityFrom({ KAFKA_SASL_USERNAME: "gochat", KAFKA_SSL: false }, "svc")).toThrow(
      ConfigError,
    );
    expect(() => kafkaSecurityFrom({ KAFKA_SSL: false, KAFKA_SSL_CA_FILE: "/ca.pem" }, "svc")).toThrow(
      /KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true/,
    );
  });
});
